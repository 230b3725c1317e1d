//! HMAC-SHA256 (RFC 2104) on sha2's compression function.
//!
//! Why not the `hmac` crate: its state keeps the last message block verbatim
//! in a buffer it offers no way to wipe, and cloning it per proof copies that
//! buffer too. Here a [`Chain`] holds only SHA-256 chaining values after whole
//! blocks, which say nothing recoverable about the bytes they absorbed; the
//! partial block of a [`Hasher`] is wiped when it drops. That is what lets a
//! signer keep a token's whole blocks absorbed between calls without keeping
//! any byte of the token. The compression is sha2's (`compress256`), after a
//! compact one of this module's for a process's first blocks (see
//! `COMPACT_BLOCKS`); the tests check this module against RFC 4231, FIPS
//! 180-4 and the `sha2` and `hmac` crates.

use std::sync::atomic::{AtomicU32, Ordering};

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

const BLOCK: usize = 64;

/// Blocks compressed by [`compact`] before sha2's compression takes over.
///
/// Why two: V8 compiles a wasm function on its first call, and sha2's
/// compression is 7.9 KB of wasm (its 64 rounds unrolled) that a fresh
/// process compiled during its first proof, about 0.3 ms of it (measured in
/// Node 20). The loop of `compact` is 1 KB and compiles in a fraction of
/// that, but runs about 1.6x slower, so a process that goes on hashing moves
/// to sha2's after this many blocks (a proof is 2 to 5) and pays its compile
/// once. The count depends on calls only, never on data.
const COMPACT_BLOCKS: u32 = 256;
static COMPRESSED: AtomicU32 = AtomicU32::new(0);

/// Compresses one block in place. `from_slice` checks the length, which is
/// a block's by construction everywhere this is called; borrowing (not
/// copying) it leaves no further copy of message bytes on the stack than
/// sha2's own (`compact` wipes the words it makes of them).
fn compress(h: &mut [u32; 8], block: &[u8]) {
    let done = COMPRESSED.load(Ordering::Relaxed);
    if done < COMPACT_BLOCKS {
        COMPRESSED.store(done + 1, Ordering::Relaxed);
        compact(h, block);
    } else {
        compress256(h, std::slice::from_ref(GenericArray::from_slice(block)));
    }
}

/// SHA-256's round constants (FIPS 180-4, 4.2.2).
const K: [u32; 64] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
];

/// SHA-256's compression of one 64-byte block (FIPS 180-4, 6.2.2) as two
/// loops, small to compile; the message schedule is wiped after use. A
/// shorter `block` leaves its missing words zero (none is, see `compress`).
fn compact(h: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = bytes.try_into().map_or(0, u32::from_be_bytes);
    }
    for i in 16..64 {
        let at = |back: usize| w.get(i - back).copied().unwrap_or(0);
        let (w15, w2) = (at(15), at(2));
        let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
        let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
        let next = at(16).wrapping_add(s0).wrapping_add(at(7)).wrapping_add(s1);
        if let Some(word) = w.get_mut(i) {
            *word = next;
        }
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
    for (k, word) in K.iter().zip(&w) {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(*k).wrapping_add(*word);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        (hh, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
        *x = x.wrapping_add(y);
    }
    // Arrays are wiped as slices, here and below: zeroize's array impl wipes
    // element by element, a call each (12% of a full request's time, with
    // proofs 1.2x slower); its slice impl is one loop of volatile writes.
    w.as_mut_slice().zeroize();
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
        self.h.as_mut_slice().zeroize();
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
        self.buf.as_mut_slice().zeroize();
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
        pad.as_mut_slice().zeroize();
        let mut out = [0u8; 32];
        for (dst, word) in out.chunks_exact_mut(4).zip(self.chain.h) {
            dst.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// Whether `a` and `b` are equal, in a time that depends on their lengths
/// only: every comparison with a token, a token's SHA-256 or a proof's tag.
/// `subtle`'s slice comparison puts every byte through an optimisation
/// barrier, which made comparing a 200-character token cost as much as
/// hashing it, and its 32 barriers were a fifth of checking a proof; a
/// barrier per word still cost a tenth of a full request. Here the words'
/// differences are OR-ed together, which has no value to stop early at, and
/// only the result goes through the barrier.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Every chunk is 8 bytes long: the conversion cannot fail.
    let word = |w: &[u8]| w.try_into().map_or(0, u64::from_ne_bytes);
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail = a_words.remainder().iter().zip(b_words.remainder()).fold(0u8, |d, (x, y)| d | (x ^ y));
    let words = a_words.zip(b_words).fold(0u64, |d, (x, y)| d | (word(x) ^ word(y)));
    bool::from((words | u64::from(tail)).ct_eq(&0))
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
            padded.as_mut_slice().zeroize();
            chain
        };
        let key = Key { inner: keyed(0x36, &block), outer: keyed(0x5c, &block) };
        block.as_mut_slice().zeroize();
        if let Some(h) = hashed.as_mut() {
            h.as_mut_slice().zeroize();
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
        digest.as_mut_slice().zeroize();
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

    /// sha2's compression of one block, the oracle of `compact`.
    fn sha2_compress(h: &[u32; 8], block: &[u8; 64]) -> [u32; 8] {
        let mut h = *h;
        compress256(&mut h, &[(*block).into()]);
        h
    }

    #[test]
    fn compact_compression_gives_the_fips_180_digests() {
        // The one padded block of "abc" and of "" from the IV is the whole digest.
        let mut abc = [0u8; 64];
        abc[..4].copy_from_slice(b"abc\x80");
        abc[63] = 24;
        let mut empty = [0u8; 64];
        empty[0] = 0x80;
        for (block, want) in [
            (abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ] {
            let mut h = IV;
            compact(&mut h, &block);
            let digest: Vec<u8> = h.iter().flat_map(|w| w.to_be_bytes()).collect();
            assert_eq!(hex(&digest), want);
        }
    }

    proptest! {
        /// Equal exactly when the bytes are: any one changed byte, at any
        /// place in any word, and any other length, differ.
        #[test]
        fn same_bytes_is_equality(a in proptest::collection::vec(any::<u8>(), 0..70), at in any::<usize>(), flip in 1u8..=255, extra in any::<u8>()) {
            prop_assert!(same_bytes(&a, &a.clone()));
            if !a.is_empty() {
                let mut changed = a.clone();
                changed[at % a.len()] ^= flip;
                prop_assert!(!same_bytes(&a, &changed));
            }
            let mut longer = a.clone();
            longer.push(extra);
            prop_assert!(!same_bytes(&a, &longer));
            prop_assert!(!same_bytes(&longer, &a));
        }

        #[test]
        fn compact_compression_agrees_with_sha2(h in any::<[u32; 8]>(), block in proptest::collection::vec(any::<u8>(), 64)) {
            let block: [u8; 64] = block.try_into().unwrap();
            let mut mine = h;
            compact(&mut mine, &block);
            prop_assert_eq!(mine, sha2_compress(&h, &block));
        }

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
