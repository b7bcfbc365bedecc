//! Where a contact is: its address (or an order's delivery address) and location.

use super::{optional_text, MAX_IDENTIFIER_CHARS};
use crate::model::{Address, Location, LocationInput};
use crate::{Error, Result};

/// Checks an address (a contact's, or an order's delivery address); an address
/// with no part left is no address.
pub fn validate_address(address: &Address) -> Result<Option<Address>> {
    let text = |field, value: &Option<String>| {
        optional_text(field, value.as_deref(), MAX_IDENTIFIER_CHARS)
    };
    let checked = Address {
        country: address
            .country
            .as_deref()
            .map(|c| super::normalize_country("country", c))
            .transpose()?,
        region: text("region", &address.region)?,
        town: text("town", &address.town)?,
        street_address: text("street_address", &address.street_address)?,
        postcode: text("postcode", &address.postcode)?,
    };
    Ok((checked != Address::default()).then_some(checked))
}

/// Checks a location and stamps it with `now`.
pub fn validate_location(
    input: &LocationInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Location> {
    if !(-90.0..=90.0).contains(&input.latitude) {
        return Err(Error::validation(
            "latitude",
            input.latitude.to_string(),
            "must be between -90 and 90",
        ));
    }
    if !(-180.0..=180.0).contains(&input.longitude) {
        return Err(Error::validation(
            "longitude",
            input.longitude.to_string(),
            "must be between -180 and 180",
        ));
    }
    if let Some(accuracy) = input.accuracy {
        if !accuracy.is_finite() || accuracy < 0.0 {
            return Err(Error::validation(
                "accuracy",
                accuracy.to_string(),
                "must be a distance in metres",
            ));
        }
    }
    let text = |field, value: &Option<String>| {
        optional_text(field, value.as_deref(), MAX_IDENTIFIER_CHARS)
    };
    Ok(Location {
        latitude: input.latitude,
        longitude: input.longitude,
        accuracy: input.accuracy,
        country: input
            .country
            .as_deref()
            .map(|c| super::normalize_country("country", c))
            .transpose()?,
        region: text("region", &input.region)?,
        city: text("city", &input.city)?,
        source: input.source,
        updated_at: now,
    })
}
