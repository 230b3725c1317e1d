//! IP parsing and allow-lists: each line of the input is read both as an
//! allow-list entry and as a source address.
//!
//! Invariants beyond "no panic":
//! - a source parses exactly when Rust's std parser (no octal, hex, shorthand,
//!   zone ids) accepts it, to the same address made canonical: never an
//!   IPv4-mapped IPv6 address, and `parse(display(a)) == a`;
//! - an entry parses to a network without host bits, which reads back to itself;
//! - the merged, binary-searched allow-list contains an address exactly when
//!   one of its entries does, for every source and for the edges (first, last,
//!   and one past) of every entry, in IPv4 and IPv4-mapped spelling alike;
//! - dropping the entries `overlapping` reports allows exactly the same addresses.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use appgrant::ip::{overlapping, parse_entry, parse_source, AllowList};
use libfuzzer_sys::fuzz_target;

fn neighbours(a: IpAddr) -> [IpAddr; 3] {
    match a {
        IpAddr::V4(v4) => {
            let n = u32::from(v4);
            [a, IpAddr::V4(Ipv4Addr::from(n.wrapping_sub(1))), IpAddr::V4(Ipv4Addr::from(n.wrapping_add(1)))]
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            [a, IpAddr::V6(Ipv6Addr::from(n.wrapping_sub(1))), IpAddr::V6(Ipv6Addr::from(n.wrapping_add(1)))]
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut nets = Vec::new();
    let mut probes = Vec::new();
    for line in text.split('\n').take(64) {
        let std_view = line.parse::<IpAddr>().ok();
        match parse_source(line) {
            Ok(a) => {
                assert_eq!(Some(a), std_view.map(|s| s.to_canonical()), "{line:?} differs from std");
                assert!(!matches!(a, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()), "{line:?} stayed IPv4-mapped");
                assert_eq!(parse_source(&a.to_string()), Ok(a), "round trip of {a}");
                probes.push(a);
            }
            Err(e) => {
                assert_eq!(std_view, None, "{line:?} refused ({}) though std reads it", e.code());
            }
        }
        if let Ok(entry) = parse_entry(line) {
            let net = entry.net();
            assert_eq!(net, net.trunc(), "host bits cleared in {line:?}");
            let again = parse_entry(&net.to_string()).expect("a parsed entry reads back");
            assert_eq!(again.net(), net);
            assert!(!again.host_bits_set());
            nets.push(net);
        }
    }
    for net in &nets {
        for edge in [net.network(), net.broadcast()] {
            probes.extend(neighbours(edge).into_iter().map(|a| a.to_canonical()));
        }
    }
    let list = AllowList::new(nets.iter().copied());
    assert_eq!(list.is_empty(), nets.is_empty());
    let kept: Vec<_> = {
        let dropped: Vec<usize> = overlapping(&nets).into_iter().map(|(_, j)| j).collect();
        nets.iter().enumerate().filter(|(i, _)| !dropped.contains(i)).map(|(_, n)| *n).collect()
    };
    let pruned = AllowList::new(kept.iter().copied());
    for a in probes {
        let expected = nets.iter().any(|n| n.contains(&a));
        assert_eq!(list.contains(a), expected, "{a} against {nets:?}");
        assert_eq!(pruned.contains(a), expected, "{a} after dropping overlaps of {nets:?}");
        if let IpAddr::V4(v4) = a {
            assert_eq!(list.contains(IpAddr::V6(v4.to_ipv6_mapped())), expected, "mapped {a}");
        }
    }
});
