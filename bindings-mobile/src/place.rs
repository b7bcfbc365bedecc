//! Where a contact lives and where they were last seen (the core's `model::place`).

use crate::scalars::UtcDateTime;
use contactkit as core;
use contactkit::{Address, Location, LocationSource};

/// A postal address.
#[uniffi::remote(Record)]
pub struct Address {
    /// ISO 3166-1 alpha-2 code, upper case (`UA`).
    #[uniffi(default)]
    pub country: Option<String>,
    /// Region, state or oblast.
    #[uniffi(default)]
    pub region: Option<String>,
    /// Town or city.
    #[uniffi(default)]
    pub town: Option<String>,
    /// Street, house and flat.
    #[uniffi(default)]
    pub street_address: Option<String>,
    /// Postal code.
    #[uniffi(default)]
    pub postcode: Option<String>,
}

/// How a location was obtained. A manual location is never overwritten by a detected one.
#[uniffi::remote(Enum)]
pub enum LocationSource {
    /// Entered by a person.
    Manual,
    /// Reported by a device's GPS.
    Gps,
    /// Guessed from an IP address.
    Ip,
}

/// A geographic position with what is known around it.
#[uniffi::remote(Record)]
pub struct Location {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Radius of uncertainty in metres.
    pub accuracy: Option<f64>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// City.
    pub city: Option<String>,
    /// How it was obtained.
    pub source: LocationSource,
    /// When it was set (the book's clock).
    pub updated_at: UtcDateTime,
}

/// What a caller sends to set a location; the book stamps `updatedAt`.
///
/// A binding record, not the core's: the core's `source` is an enum with a default
/// (`MANUAL`), which uniffi's proc-macros cannot give a Kotlin or Swift parameter, so it
/// is optional here and `null` takes the core's default.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocationInput {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Radius of uncertainty in metres (not negative).
    #[uniffi(default)]
    pub accuracy: Option<f64>,
    /// ISO 3166-1 alpha-2 country code.
    #[uniffi(default)]
    pub country: Option<String>,
    /// Region.
    #[uniffi(default)]
    pub region: Option<String>,
    /// City.
    #[uniffi(default)]
    pub city: Option<String>,
    /// How it was obtained; `MANUAL` when null.
    #[uniffi(default)]
    pub source: Option<LocationSource>,
}

impl From<LocationInput> for core::LocationInput {
    fn from(l: LocationInput) -> Self {
        core::LocationInput {
            latitude: l.latitude,
            longitude: l.longitude,
            accuracy: l.accuracy,
            country: l.country,
            region: l.region,
            city: l.city,
            source: l.source.unwrap_or_default(),
        }
    }
}
