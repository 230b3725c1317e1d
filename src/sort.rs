//! The crate's one sort.
//!
//! The standard sorts are generic, and each element type they are used with
//! adds about 5 KB of wasm: eight call sites came to 17 KB of the package's
//! gzip size. Here one merge sort orders positions, with the comparison
//! behind `dyn`; only the step that moves the elements into their new order
//! is generic, and it is small. A comparison costs an
//! indirect call, which nothing on a request's path pays: sorting happens
//! when a config is compiled or validated.

use std::cmp::Ordering;

/// Sorts `items` in their natural order; equal items keep their order.
pub fn ord<T: Ord>(items: &mut [T]) {
    by(items, T::cmp);
}

/// Sorts `items` by `key`; items with equal keys keep their order.
pub fn by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by `cmp`; items that compare equal keep their order.
pub fn by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = permutation(items.len(), &|i, j| match (items.get(i), items.get(j)) {
        (Some(a), Some(b)) => cmp(a, b),
        _ => Ordering::Equal,
    });
    for (a, b) in swaps(order) {
        if a < b && b < items.len() {
            items.swap(a, b);
        }
    }
}

/// The swaps, in order, that put the element at `order[k]` at `k` for every
/// `k`: the generic step of `by` is then a loop of swaps, a few dozen bytes
/// of wasm per element type, where moving the elements into a new vector
/// took a few hundred.
fn swaps(order: Vec<usize>) -> Vec<(usize, usize)> {
    // `at[i]`: where the element first at `i` is now; `first[p]`: where the
    // element now at `p` was first.
    let mut at: Vec<usize> = (0..order.len()).collect();
    let mut first = at.clone();
    let mut out = Vec::new();
    for (k, &wanted) in order.iter().enumerate() {
        let (Some(&p), Some(&displaced)) = (at.get(wanted), first.get(k)) else { continue };
        if p == k {
            continue;
        }
        // Every earlier position already holds its element, so the wanted one is further on.
        out.push((k, p));
        if let (Some(a), Some(f)) = (at.get_mut(displaced), first.get_mut(p)) {
            *a = p;
            *f = displaced;
        }
    }
    out
}

/// The positions `0..len` in sorted order: a bottom-up merge sort, stable
/// because a tie takes the left run's element. Written out rather than
/// `sort_unstable_by` because even one instance of the standard sort is
/// 9 KB of wasm; this is well under 1 KB and still O(n log n).
fn permutation(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = Vec::with_capacity(len);
    let mut width = 1usize;
    while width < len {
        merged.clear();
        for pair in order.chunks(width.saturating_mul(2)) {
            let (left, right) = pair.split_at_checked(width).unwrap_or((pair, &[]));
            let (mut left, mut right) = (left.iter().copied().peekable(), right.iter().copied().peekable());
            while let (Some(&a), Some(&b)) = (left.peek(), right.peek()) {
                if cmp(b, a) == Ordering::Less {
                    merged.push(b);
                    right.next();
                } else {
                    merged.push(a);
                    left.next();
                }
            }
            merged.extend(left.chain(right));
        }
        std::mem::swap(&mut order, &mut merged);
        width = width.saturating_mul(2);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard stable sort, elements and all.
        #[test]
        fn agrees_with_std_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = items.clone();
            by_key(&mut ours, |&(k, _)| k);
            let mut std = items.clone();
            std.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(&ours, &std);

            let mut natural = items.clone();
            ord(&mut natural);
            let mut expected = items;
            expected.sort();
            prop_assert_eq!(natural, expected);
        }
    }

    #[test]
    fn sorts_owned_elements() {
        let mut words: Vec<String> = ["pear", "fig", "apple", "fig"].map(String::from).to_vec();
        ord(&mut words);
        assert_eq!(words, ["apple", "fig", "fig", "pear"]);
        let mut empty: Vec<String> = Vec::new();
        ord(&mut empty);
        assert!(empty.is_empty());
    }
}
