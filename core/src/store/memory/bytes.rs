//! The primitives a packed contact is written with: LEB128 varints (lengths, counts
//! and zigzagged integers), length-prefixed UTF-8 strings, presence bytes for
//! optional values, and sections that carry their own length so a reader can skip
//! them. Reading never panics: a short or malformed buffer is a storage error.

use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// Appends primitives to a growing buffer.
pub(super) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// Writes over `buffer`, whose capacity is kept for the next use.
    pub(super) fn over(mut buffer: Vec<u8>) -> Self {
        buffer.clear();
        Writer { bytes: buffer }
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// The buffer, for another [`Writer::over`].
    pub(super) fn into_vec(self) -> Vec<u8> {
        self.bytes
    }

    pub(super) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(super) fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    /// Seven bits a byte, low bits first: small numbers take one byte.
    pub(super) fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// A length or count (a `usize` always fits in a `u64`).
    pub(super) fn len(&mut self, len: usize) {
        self.varint(len as u64);
    }

    /// Zigzagged so that small negative numbers stay short too.
    pub(super) fn signed(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub(super) fn f64(&mut self, value: f64) {
        self.bytes.extend_from_slice(&value.to_bits().to_le_bytes());
    }

    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    pub(super) fn str(&mut self, value: &str) {
        self.len(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }

    /// `None` as a zero byte, else a one byte then the value.
    pub(super) fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            None => self.u8(0),
            Some(value) => {
                self.u8(1);
                write(self, value);
            }
        }
    }

    pub(super) fn opt_str(&mut self, value: Option<&str>) {
        self.option(value, Self::str);
    }

    /// Seconds since the epoch and the nanoseconds past them (above a billion in a
    /// leap second), which rebuilds the exact instant.
    pub(super) fn time(&mut self, value: DateTime<Utc>) {
        self.signed(value.timestamp());
        self.varint(value.timestamp_subsec_nanos().into());
    }

    pub(super) fn opt_time(&mut self, value: Option<DateTime<Utc>>) {
        self.option(value, Self::time);
    }

    /// A count, then each item as `write` writes it.
    pub(super) fn list<I: ExactSizeIterator>(
        &mut self,
        items: I,
        mut write: impl FnMut(&mut Self, I::Item),
    ) {
        self.len(items.len());
        for item in items {
            write(self, item);
        }
    }

    /// Whatever `write` writes, behind its byte length.
    pub(super) fn section(&mut self, write: impl FnOnce(&mut Self)) {
        let start = self.bytes.len();
        write(self);
        // The length goes before what it measures: write it after, then rotate it
        // into place (sections are short, so the move costs little).
        let section_len = self.bytes.len() - start;
        self.len(section_len);
        let prefix_len = self.bytes.len() - start - section_len;
        self.bytes[start..].rotate_right(prefix_len);
    }
}

/// Reads primitives back from the front of a buffer.
#[derive(Clone, Copy)]
pub(super) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub(super) fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        if len > self.rest.len() {
            return Err(damaged());
        }
        let (taken, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(taken)
    }

    pub(super) fn u8(&mut self) -> Result<u8> {
        let (&first, rest) = self.rest.split_first().ok_or_else(damaged)?;
        self.rest = rest;
        Ok(first)
    }

    pub(super) fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(damaged()),
        }
    }

    pub(super) fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(damaged())
    }

    pub(super) fn len(&mut self) -> Result<usize> {
        usize::try_from(self.varint()?).map_err(|_| damaged())
    }

    pub(super) fn signed(&mut self) -> Result<i64> {
        let zigzag = self.varint()?;
        Ok((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64))
    }

    pub(super) fn f64(&mut self) -> Result<f64> {
        let bytes = self.take(8)?.try_into().map_err(|_| damaged())?;
        Ok(f64::from_bits(u64::from_le_bytes(bytes)))
    }

    pub(super) fn str(&mut self) -> Result<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).map_err(|_| damaged())
    }

    pub(super) fn string(&mut self) -> Result<String> {
        self.str().map(str::to_string)
    }

    /// The counterpart of [`Writer::option`].
    pub(super) fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.u8()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            _ => Err(damaged()),
        }
    }

    pub(super) fn opt_string(&mut self) -> Result<Option<String>> {
        self.option(Self::string)
    }

    pub(super) fn time(&mut self) -> Result<DateTime<Utc>> {
        let seconds = self.signed()?;
        let nanos = u32::try_from(self.varint()?).map_err(|_| damaged())?;
        DateTime::from_timestamp(seconds, nanos).ok_or_else(damaged)
    }

    pub(super) fn opt_time(&mut self) -> Result<Option<DateTime<Utc>>> {
        self.option(Self::time)
    }

    /// The counterpart of [`Writer::list`]. The count is not trusted for an up-front
    /// allocation: damaged bytes cannot ask for more memory than they hold.
    pub(super) fn list<T, C: FromIterator<T>>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<C> {
        let count = self.len()?;
        (0..count).map(|_| read(self)).collect()
    }

    /// The next section, as a reader of its own; this one moves past it.
    pub(super) fn section(&mut self) -> Result<Reader<'a>> {
        let len = self.len()?;
        self.take(len).map(Reader::new)
    }
}

/// What reading bytes this module did not write gives.
pub(super) fn damaged() -> Error {
    Error::storage("a packed contact in the memory store is damaged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_at_their_limits() {
        let unsigned = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let signed = [0, 1, -1, 63, -64, 64, i64::MIN, i64::MAX];
        let mut writer = Writer::over(Vec::new());
        unsigned.iter().for_each(|&v| writer.varint(v));
        signed.iter().for_each(|&v| writer.signed(v));
        let bytes = writer.into_vec();
        let mut reader = Reader::new(&bytes);
        for v in unsigned {
            assert_eq!(reader.varint().unwrap(), v);
        }
        for v in signed {
            assert_eq!(reader.signed().unwrap(), v);
        }
        assert!(reader.u8().is_err());
    }

    #[test]
    fn a_section_can_be_skipped() {
        let mut writer = Writer::over(Vec::new());
        writer.section(|w| w.str(&"x".repeat(200)));
        writer.str("after");
        let bytes = writer.into_vec();
        let mut reader = Reader::new(&bytes);
        reader.section().unwrap();
        assert_eq!(reader.str().unwrap(), "after");
    }

    #[test]
    fn short_or_malformed_input_is_an_error_not_a_panic() {
        for bytes in [&[][..], &[0x80], &[5, b'a'], &[1, 0xff], &[0xff; 11], &[2]] {
            assert!(Reader::new(bytes).str().is_err(), "{bytes:?}");
        }
        assert!(Reader::new(&[3]).bool().is_err());
        assert!(Reader::new(&[1, 2, 3]).f64().is_err());
    }
}
