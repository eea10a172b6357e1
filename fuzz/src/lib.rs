//! Shared by the fuzz targets and the seed generator: the structured input types of the
//! `Arbitrary` targets ([`inputs`]), and an encoder that writes a value of those types in the
//! byte format `arbitrary` 1.5 decodes it from ([`seed_encoding`]), so the committed seeds of
//! those targets are real inputs (the signing vectors, the official request samples) in the
//! target's own input format, not JSON that the target would read as noise.

#![forbid(unsafe_code)]

pub mod inputs;
pub mod seed_encoding;
pub mod seeds;
