//! Writes values in the byte format `arbitrary` 1.5 (the version in `fuzz/Cargo.lock`) decodes
//! them from, for the derived `Arbitrary` impls of [`crate::inputs`]:
//!
//! - integers: their little-endian bytes; `bool`: one byte, odd = true;
//! - `Option<T>`: a `bool`, then `T` when true;
//! - `Vec<T>`: before each element a `true` byte, then a `false` byte;
//! - `String` (not last): its bytes, with its length taken **from the end of the data** at the
//!   moment it is decoded (1, 2 or 4 big-endian bytes, depending on how much data is left,
//!   reduced modulo the bytes left) — which is why lengths are laid out only in
//!   [`Encoder::finish`], once the total size is known;
//! - a `String` that is the last field decoded (`arbitrary_take_rest`): all remaining bytes;
//! - an enum variant `k` of `n`: a little-endian `u32` `x` with `(x * n) >> 32 == k`.
//!
//! The seed generator (`fuzz/examples/make_seeds.rs`) decodes every seed it writes with the real
//! `arbitrary` and checks it gives the value it encoded, so a change of format fails loudly.

/// One piece of the encoding, in decoding order.
#[derive(Debug, Clone)]
enum Piece {
    /// Bytes read from the front.
    Front(Vec<u8>),
    /// A length read from the end of the data at this point.
    Length(usize),
}

/// Builds the byte string for one value.
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    pieces: Vec<Piece>,
}

impl Encoder {
    /// An empty encoding.
    pub fn new() -> Self {
        Self::default()
    }

    fn front(&mut self, bytes: &[u8]) -> &mut Self {
        self.pieces.push(Piece::Front(bytes.to_vec()));
        self
    }

    /// A `u8`.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.front(&[v])
    }
    /// An `i8`.
    pub fn i8(&mut self, v: i8) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// A `u16`.
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// An `i16`.
    pub fn i16(&mut self, v: i16) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// A `u32`.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// An `i32`.
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// A `u64`.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// An `i64`.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.front(&v.to_le_bytes())
    }
    /// A `bool`.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }

    /// An `Option<T>`, its content written by `f`.
    pub fn option<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) -> &mut Self {
        self.bool(v.is_some());
        if let Some(v) = v {
            f(self, v);
        }
        self
    }

    /// A `Vec<T>` (not the last field), each element written by `f`.
    pub fn vec<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) -> &mut Self {
        for item in items {
            self.bool(true);
            f(self, item);
        }
        self.bool(false)
    }

    /// A `Vec<u8>` (not the last field).
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.vec(v, |e, b| {
            e.u8(*b);
        })
    }

    /// A `String` that is not the last thing decoded.
    pub fn string(&mut self, s: &str) -> &mut Self {
        self.pieces.push(Piece::Length(s.len()));
        self.front(s.as_bytes())
    }

    /// A `String` decoded last (`arbitrary_take_rest`): the rest of the data. Must be last.
    pub fn string_rest(&mut self, s: &str) -> &mut Self {
        self.front(s.as_bytes())
    }

    /// Variant `index` of an enum with `count` variants.
    pub fn variant(&mut self, index: u32, count: u32) -> &mut Self {
        assert!(index < count, "variant {index} of {count}");
        // The smallest x with (x * count) >> 32 == index.
        let x = (u64::from(index) << 32).div_ceil(u64::from(count));
        let x = u32::try_from(x).expect("below 2^32 for index < count");
        debug_assert_eq!((u64::from(x) * u64::from(count)) >> 32, u64::from(index));
        self.u32(x)
    }

    /// The byte string: the front pieces in order, then the lengths laid out from the end.
    pub fn finish(&self) -> Vec<u8> {
        let front: Vec<u8> = self
            .pieces
            .iter()
            .flat_map(|p| match p {
                Piece::Front(b) => b.clone(),
                Piece::Length(_) => Vec::new(),
            })
            .collect();
        let lengths: Vec<usize> = self
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Length(n) => Some(*n),
                Piece::Front(_) => None,
            })
            .collect();
        // The width of each length depends on how much data is left when it is read, which
        // depends on the widths: start from the smallest and widen until nothing changes.
        let mut widths = vec![1usize; lengths.len()];
        let slots = loop {
            let total = front.len() + widths.iter().sum::<usize>();
            let mut consumed_front = 0;
            let mut consumed_back = 0;
            let mut length_index = 0;
            let mut slots = Vec::new();
            for piece in &self.pieces {
                match piece {
                    Piece::Front(b) => consumed_front += b.len(),
                    Piece::Length(n) => {
                        let left = total - consumed_front - consumed_back;
                        let slot = length_slot(*n, left);
                        consumed_back += slot.len();
                        slots.push(slot);
                        length_index += 1;
                    }
                }
            }
            debug_assert_eq!(length_index, lengths.len());
            let new_widths: Vec<usize> = slots.iter().map(Vec::len).collect();
            if new_widths == widths {
                break slots;
            }
            widths = new_widths;
        };
        // The first length read takes the last bytes, the next the bytes before them, ...
        let mut out = front;
        for slot in slots.iter().rev() {
            out.extend_from_slice(slot);
        }
        out
    }
}

/// The bytes `arbitrary_byte_size` reads from the end of `left` bytes of data to get `len`.
fn length_slot(len: usize, left: usize) -> Vec<u8> {
    if left == 0 {
        assert_eq!(len, 0, "no data left for a string of {len} bytes");
        return Vec::new();
    }
    if left == 1 {
        assert_eq!(
            len, 0,
            "one byte left: it is the length, so the string is empty"
        );
        return vec![0];
    }
    let (width, max) = if left <= 256 {
        (1, left - 1)
    } else if left <= 65_537 {
        (2, left - 2)
    } else {
        (4, left - 4)
    };
    assert!(len <= max, "a string of {len} bytes with {left} bytes left");
    // int_in_range reads as many leading bytes as the range needs, big-endian, modulo max + 1.
    let used = (0..width)
        .take_while(|k| (max >> (8 * k)) > 0)
        .count()
        .max(1);
    let mut slot = vec![0u8; width];
    for (i, byte) in slot.iter_mut().take(used).enumerate() {
        *byte = (len >> (8 * (used - 1 - i))) as u8;
    }
    slot
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    #[derive(Debug, PartialEq, Arbitrary)]
    struct Sample {
        a: u8,
        s: String,
        v: Vec<u8>,
        o: Option<String>,
        e: E,
        rest: String,
    }

    #[derive(Debug, PartialEq, Arbitrary)]
    enum E {
        A,
        B(i32),
        C { x: u16 },
    }

    fn encode(x: &Sample) -> Vec<u8> {
        let mut e = Encoder::new();
        e.u8(x.a).string(&x.s).bytes(&x.v);
        e.option(x.o.as_ref(), |e, s| {
            e.string(s);
        });
        match &x.e {
            E::A => e.variant(0, 3),
            E::B(v) => e.variant(1, 3).i32(*v),
            E::C { x } => e.variant(2, 3).u16(*x),
        };
        e.string_rest(&x.rest);
        e.finish()
    }

    #[test]
    fn round_trips_through_the_real_decoder_at_every_length_width() {
        for size in [0usize, 3, 250, 300, 70_000] {
            let sample = Sample {
                a: 7,
                s: "é".repeat(size / 2),
                v: vec![1, 2, 3],
                o: Some("x".repeat(size)),
                e: E::B(-5),
                rest: "tail ✓".to_owned(),
            };
            let bytes = encode(&sample);
            let decoded = Sample::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
            assert_eq!(decoded, sample, "size {size}");
        }
        for (i, e) in [E::A, E::B(1), E::C { x: 9 }].into_iter().enumerate() {
            let sample = Sample {
                a: 0,
                s: String::new(),
                v: vec![],
                o: None,
                e,
                rest: String::new(),
            };
            let decoded = Sample::arbitrary_take_rest(Unstructured::new(&encode(&sample))).unwrap();
            assert_eq!(decoded, sample, "variant {i}");
        }
    }
}
