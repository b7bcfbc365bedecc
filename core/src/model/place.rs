//! Where a contact lives (address) and where they were last seen (location).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// ISO 3166-1 alpha-2 code, upper case (`UA`).
    pub country: Option<String>,
    /// Region, state or oblast.
    pub region: Option<String>,
    /// Town or city.
    pub town: Option<String>,
    /// Street, house and flat.
    pub street_address: Option<String>,
    /// Postal code.
    pub postcode: Option<String>,
}

/// How a location was obtained. A `manual` location is never overwritten by a
/// detected (`gps`, `ip`) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LocationSource {
    /// Entered by a person.
    #[default]
    Manual,
    /// Reported by a device's GPS.
    Gps,
    /// Guessed from an IP address.
    Ip,
}

impl LocationSource {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationSource::Manual => "manual",
            LocationSource::Gps => "gps",
            LocationSource::Ip => "ip",
        }
    }
}

/// A geographic position with what is known around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    pub updated_at: DateTime<Utc>,
}

/// What a caller sends to set a location; the book stamps `updated_at`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Radius of uncertainty in metres (not negative).
    pub accuracy: Option<f64>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// City.
    pub city: Option<String>,
    /// How it was obtained; `manual` when not given.
    pub source: LocationSource,
}
