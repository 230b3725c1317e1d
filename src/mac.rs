//! HMAC-SHA256 (RFC 2104) on sha2's compression function.
//!
//! Why not the `hmac` crate: its state keeps the last message block verbatim
//! in a buffer it offers no way to wipe, and cloning it per proof copies that
//! buffer too. Here a [`Chain`] holds only SHA-256 chaining values after whole
//! blocks, which say nothing recoverable about the bytes they absorbed; the
//! partial block of a [`Hasher`] is wiped when it drops. That is what lets a
//! signer keep a token's whole blocks absorbed between calls without keeping
//! any byte of the token. The compression itself is sha2's (`compress256`);
//! the tests check this module against RFC 4231, FIPS 180-4 and the `hmac`
//! crate.

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;
use zeroize::Zeroize;

const BLOCK: usize = 64;

/// Compresses one block in place. `from_slice` checks the length, which is
/// a block's by construction everywhere this is called; borrowing (not
/// copying) it leaves no further copy of message bytes on the stack.
fn compress(h: &mut [u32; 8], block: &[u8]) {
    compress256(h, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
];

/// SHA-256 after a whole number of blocks: eight chaining words and how many
/// bytes they absorbed.
#[derive(Clone)]
pub struct Chain {
    h: [u32; 8],
    bytes: u64,
}

impl Drop for Chain {
    // A keyed chain is as good as the key for forging.
    fn drop(&mut self) {
        self.h.zeroize();
    }
}

impl Chain {
    fn new() -> Chain {
        Chain { h: IV, bytes: 0 }
    }

    /// Absorbs the whole blocks at the start of `data`; returns the rest
    /// (fewer than 64 bytes).
    pub fn absorb<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        let blocks = data.chunks_exact(BLOCK);
        let rest = blocks.remainder();
        for block in blocks {
            compress(&mut self.h, block);
            self.bytes = self.bytes.wrapping_add(BLOCK as u64);
        }
        rest
    }

    /// A hasher that continues from here.
    pub fn hasher(&self) -> Hasher {
        Hasher { chain: self.clone(), buf: [0; BLOCK], fill: 0 }
    }
}

/// Streaming SHA-256: a chain and the partial block not yet compressed.
pub struct Hasher {
    chain: Chain,
    buf: [u8; BLOCK],
    fill: usize,
}

impl Drop for Hasher {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl Clone for Hasher {
    fn clone(&self) -> Hasher {
        Hasher { chain: self.chain.clone(), buf: self.buf, fill: self.fill }
    }
}

impl Default for Hasher {
    fn default() -> Hasher {
        Chain::new().hasher()
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    pub fn update(&mut self, mut data: &[u8]) {
        if self.fill > 0 {
            let room = BLOCK - self.fill;
            let (head, tail) = data.split_at(room.min(data.len()));
            if let Some(dst) = self.buf.get_mut(self.fill..self.fill + head.len()) {
                dst.copy_from_slice(head);
            }
            self.fill += head.len();
            data = tail;
            if self.fill < BLOCK {
                return;
            }
            compress(&mut self.chain.h, &self.buf);
            self.chain.bytes = self.chain.bytes.wrapping_add(BLOCK as u64);
            self.fill = 0;
        }
        let rest = self.chain.absorb(data);
        if let Some(dst) = self.buf.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.fill = rest.len();
    }

    /// The digest: FIPS 180-4 padding (0x80, zeros, the length in bits) in
    /// one or two final blocks. The hasher is spent. By reference, not by
    /// value: a move would leave a copy of the partial block behind that no
    /// drop wipes.
    pub fn finish(&mut self) -> [u8; 32] {
        let bits = self.chain.bytes.wrapping_add(self.fill as u64).wrapping_mul(8);
        let mut pad = [0u8; 2 * BLOCK];
        if let Some(dst) = pad.get_mut(..self.fill) {
            dst.copy_from_slice(self.buf.get(..self.fill).unwrap_or_default());
        }
        if let Some(b) = pad.get_mut(self.fill) {
            *b = 0x80;
        }
        let end = if self.fill + 9 <= BLOCK { BLOCK } else { 2 * BLOCK };
        if let Some(dst) = pad.get_mut(end - 8..end) {
            dst.copy_from_slice(&bits.to_be_bytes());
        }
        let (first, second) = pad.split_at(BLOCK);
        compress(&mut self.chain.h, first);
        if end > BLOCK {
            compress(&mut self.chain.h, second);
        }
        pad.zeroize();
        let mut out = [0u8; 32];
        for (dst, word) in out.chunks_exact_mut(4).zip(self.chain.h) {
            dst.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// SHA-256 of `data`, through a hasher that wipes its partial block.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Hasher::new();
    h.update(data);
    h.finish()
}

/// A key's HMAC state: the inner and outer chains after `K ^ ipad` and
/// `K ^ opad` (RFC 2104), done once per key.
#[derive(Clone)]
pub struct Key {
    inner: Chain,
    outer: Chain,
}

impl Key {
    pub fn new(key: &[u8]) -> Key {
        // A key longer than a block is hashed first; any key is then zero-padded to a block.
        let mut block = [0u8; BLOCK];
        let mut hashed = (key.len() > BLOCK).then(|| sha256(key));
        for (dst, src) in block.iter_mut().zip(hashed.as_ref().map_or(key, |h| h.as_slice())) {
            *dst = *src;
        }
        let keyed = |pad: u8, block: &[u8; BLOCK]| {
            let mut padded = block.map(|b| b ^ pad);
            let mut chain = Chain::new();
            chain.absorb(&padded);
            padded.zeroize();
            chain
        };
        let key = Key { inner: keyed(0x36, &block), outer: keyed(0x5c, &block) };
        block.zeroize();
        if let Some(h) = hashed.as_mut() {
            h.zeroize();
        }
        key
    }

    /// The inner hash's chain, to absorb a message into.
    pub fn inner(&self) -> &Chain {
        &self.inner
    }

    /// The tag of a message whose inner hash is `inner` (continued from
    /// [`Key::inner`]).
    pub fn tag(&self, inner: &mut Hasher) -> [u8; 32] {
        let mut digest = inner.finish();
        let mut outer = self.outer.hasher();
        outer.update(&digest);
        digest.zeroize();
        outer.finish()
    }

    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = self.inner.hasher();
        inner.update(message);
        self.tag(&mut inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_matches_fips_180_examples() {
        // FIPS 180-4 appendix / NIST CSRC example values.
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let million = vec![b'a'; 1_000_000];
        assert_eq!(hex(&sha256(&million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        let key_4: Vec<u8> = (1..=25).collect();
        let cases: [(&[u8], &[u8], &str); 6] = [
            (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (&key_4, &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            (&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (
                &[0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, want) in cases {
            assert_eq!(hex(&Key::new(key).mac(data)), want);
        }
        // Test case 5 truncates the tag to 128 bits.
        assert_eq!(hex(&Key::new(&[0x0c; 20]).mac(b"Test With Truncation")[..16]), "a3b6167473100ee06e0c796c2955552b");
    }

    #[test]
    fn every_key_length_matches_the_hmac_crate() {
        for len in 0..=200u8 {
            let key: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            let mut theirs = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
            theirs.update(b"message");
            assert_eq!(Key::new(&key).mac(b"message").to_vec(), theirs.finalize().into_bytes().to_vec(), "key length {len}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_sha2_and_hmac_crates(key in proptest::collection::vec(any::<u8>(), 0..200),
                                                 parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..150), 0..5)) {
            let message: Vec<u8> = parts.concat();
            let mut h = Hasher::new();
            for p in &parts {
                h.update(p);
            }
            prop_assert_eq!(h.finish().to_vec(), Sha256::digest(&message).to_vec());

            let key_state = Key::new(&key);
            let mut inner = key_state.inner().hasher();
            for p in &parts {
                inner.update(p);
            }
            let mut oracle = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
            oracle.update(&message);
            let want = oracle.finalize().into_bytes().to_vec();
            prop_assert_eq!(key_state.tag(&mut inner).to_vec(), want.clone());
            prop_assert_eq!(key_state.mac(&message).to_vec(), want.clone());

            // Whole blocks absorbed into a chain, then the rest: the same tag.
            let mut chain = key_state.inner().clone();
            let rest = chain.absorb(&message);
            let mut inner = chain.hasher();
            inner.update(rest);
            prop_assert_eq!(key_state.tag(&mut inner).to_vec(), want);
        }
    }
}
