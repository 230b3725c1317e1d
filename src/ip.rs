//! IP allow-lists: strict parsing of entries and source addresses, fast
//! membership, and the facts `validate` warns about.
//!
//! Parsing is deliberately stricter than "whatever some resolver accepts":
//! an allow-list is a security boundary, and a spelling that two parsers read
//! differently (`010.0.0.1` is 10.0.0.1 to std but 8.0.0.1 to `inet_aton`)
//! would let the admin believe one network is allowed while another is.
//! So every ambiguous or decorated spelling is refused with a message that
//! says what to write instead.
//!
//! IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are the same host as
//! `a.b.c.d` (a dual-stack socket reports IPv4 clients that way), so entries
//! and sources in that range are turned into IPv4 before anything is compared;
//! no other IPv6 form ever matches an IPv4 rule.

use std::cmp::Reverse;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::proof::Decimal;
use crate::Error;

/// IPv4 entries shorter than this are "too broad": a /16 is already 65,536
/// addresses, more than any one organisation's egress needs, and a shorter
/// prefix spans whole providers, so the list no longer restricts anything.
pub const MIN_IPV4_PREFIX: u8 = 16;

/// IPv6 entries shorter than this are "too broad": /32 is the smallest block
/// a regional registry allocates to a provider, so a shorter prefix spans
/// more than a whole provider's address space.
pub const MIN_IPV6_PREFIX: u8 = 32;

/// The mapped range `::ffff:0:0/96` fixes the first 96 bits of an address.
const MAPPED_PREFIX: u8 = 96;

/// Ranges whose addresses never reach the platform as a request's source:
/// RFC 1918 private networks, loopback (RFC 1122) and link-local (RFC 3927).
const PRIVATE_V4: [Ipv4Net; 5] = [
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
];

/// Loopback (RFC 4291), unique-local (RFC 4193) and link-local (RFC 4291).
const PRIVATE_V6: [Ipv6Net; 3] = [
    Ipv6Net::new_assert(Ipv6Addr::LOCALHOST, 128),
    Ipv6Net::new_assert(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    Ipv6Net::new_assert(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
];

/// Why an allow-list entry or a source address was refused.
///
/// Messages never echo the input: the caller adds where it was (see
/// [`EntryError::into_error`]), and an arbitrary string pasted into a config
/// has no business in an error message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryError {
    Empty,
    Whitespace,
    ZoneId,
    Brackets,
    Port,
    MissingAddress,
    HexOctet,
    ShorthandIpv4,
    LeadingZeroOctet,
    OctetOutOfRange,
    NotAnAddress,
    InvalidIpv6,
    MissingPrefix,
    PrefixNotDecimal,
    PrefixLeadingZero,
    /// `max` is the family's longest prefix (32 or 128).
    PrefixOutOfRange {
        max: u8,
    },
    PrefixInSource,
}

impl EntryError {
    /// A stable snake_case code, for callers and tests that switch on the cause.
    pub fn code(self) -> &'static str {
        match self {
            EntryError::Empty => "empty",
            EntryError::Whitespace => "whitespace",
            EntryError::ZoneId => "zone_id",
            EntryError::Brackets => "brackets",
            EntryError::Port => "port",
            EntryError::MissingAddress => "missing_address",
            EntryError::HexOctet => "hex_octet",
            EntryError::ShorthandIpv4 => "shorthand_ipv4",
            EntryError::LeadingZeroOctet => "leading_zero_octet",
            EntryError::OctetOutOfRange => "octet_out_of_range",
            EntryError::NotAnAddress => "not_an_address",
            EntryError::InvalidIpv6 => "invalid_ipv6",
            EntryError::MissingPrefix => "missing_prefix",
            EntryError::PrefixNotDecimal => "prefix_not_decimal",
            EntryError::PrefixLeadingZero => "prefix_leading_zero",
            EntryError::PrefixOutOfRange { .. } => "prefix_out_of_range",
            EntryError::PrefixInSource => "prefix_in_source",
        }
    }

    /// The crate error for this cause at `location` (e.g. `/ip_allowlist/3`).
    pub fn into_error(self, location: &str) -> Error {
        Error::argument(format!("{location}: {self}"))
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            EntryError::Empty => "an IP address or CIDR is required, but the value is empty",
            EntryError::Whitespace => "whitespace is not allowed in an IP address or CIDR",
            EntryError::ZoneId => {
                "a zone id (`%eth0`) is not allowed: it names an interface of one host, not a network"
            }
            EntryError::Brackets => "brackets are not allowed: write the bare address, without `[`, `]` or a port",
            EntryError::Port => "a port is not allowed: write the bare address",
            EntryError::MissingAddress => "the address before `/` is missing",
            EntryError::HexOctet => "hexadecimal is not allowed in an IPv4 address: write four decimal octets",
            EntryError::ShorthandIpv4 => {
                "an IPv4 address must have exactly four dot-separated decimal octets (shorthand such as `127.1` is ambiguous)"
            }
            EntryError::LeadingZeroOctet => "leading zeros are not allowed in an IPv4 octet (ambiguous octal)",
            EntryError::OctetOutOfRange => "an IPv4 octet must be between 0 and 255",
            EntryError::NotAnAddress => "not an IPv4 or IPv6 address (host names are not allowed)",
            EntryError::InvalidIpv6 => "not a valid IPv6 address",
            EntryError::MissingPrefix => "the prefix length after `/` is missing",
            EntryError::PrefixNotDecimal => {
                "the prefix length must be decimal digits only, such as `/24` (no sign, netmask or other characters)"
            }
            EntryError::PrefixLeadingZero => "leading zeros are not allowed in a prefix length",
            EntryError::PrefixOutOfRange { max } => {
                let family = if *max == 32 { "IPv4" } else { "IPv6" };
                return write!(f, "the prefix length must be at most {max} for an {family} address");
            }
            EntryError::PrefixInSource => "a source address is a single address: a prefix length is not allowed",
        };
        f.write_str(message)
    }
}

impl std::error::Error for EntryError {}

/// One parsed allow-list entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    net: IpNet,
    host_bits_set: bool,
}

impl Entry {
    /// The network, host bits cleared and IPv4-mapped IPv6 turned into IPv4.
    pub fn net(&self) -> IpNet {
        self.net
    }

    /// The entry was written with host bits (`203.0.113.5/24`). The platform
    /// treats it as the whole network, which may not be what was meant.
    pub fn host_bits_set(&self) -> bool {
        self.host_bits_set
    }

    /// The whole network lies *within* one private, loopback or link-local
    /// range, so no request can ever match it. A network that merely overlaps
    /// one (`8.0.0.0/6` holds `10.0.0.0/8`) still admits public addresses and
    /// is not reported here; when it is that wide, [`Entry::is_too_broad`] is.
    pub fn is_private(&self) -> bool {
        // By spans, as `overlapping` compares: ipnet's `contains` of one
        // network in another is 2 KB of wasm for the 128-bit IPv6 case.
        let (v6, start, end) = span(self.net);
        let ranges = PRIVATE_V4.iter().map(|&r| IpNet::V4(r)).chain(PRIVATE_V6.iter().map(|&r| IpNet::V6(r)));
        ranges.map(span).any(|(range_v6, first, last)| range_v6 == v6 && first <= start && end <= last)
    }

    /// The prefix is shorter than [`MIN_IPV4_PREFIX`] / [`MIN_IPV6_PREFIX`].
    pub fn is_too_broad(&self) -> bool {
        match self.net {
            IpNet::V4(net) => net.prefix_len() < MIN_IPV4_PREFIX,
            IpNet::V6(net) => net.prefix_len() < MIN_IPV6_PREFIX,
        }
    }
}

/// An address or a network as text, the same as core's and ipnet's `Display`
/// give (RFC 5952: lower-case hex without leading zeros, the first longest
/// run of two or more zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`),
/// written here because core's IPv6 formatting, with its buffers, is 3 KB of
/// wasm, and the messages need no padding or width.
pub struct Shown<T>(pub T);

impl fmt::Display for Shown<IpAddr> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(39);
        push_addr(&mut text, self.0);
        f.write_str(&text)
    }
}

impl fmt::Display for Shown<IpNet> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(43);
        push_addr(&mut text, self.0.addr());
        text.push('/');
        push_decimal(&mut text, self.0.prefix_len());
        f.write_str(&text)
    }
}

fn push_addr(out: &mut String, addr: IpAddr) {
    match addr {
        IpAddr::V4(a) => push_v4(out, a),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => {
                out.push_str("::ffff:");
                push_v4(out, v4);
            }
            None => push_v6(out, a),
        },
    }
}

fn push_v4(out: &mut String, a: Ipv4Addr) {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_decimal(out, octet);
    }
}

fn push_v6(out: &mut String, a: Ipv6Addr) {
    let groups = a.segments();
    // The first longest run of zero groups; a single one is written as `0`.
    let (mut zeros, mut run) = ((0, 0), (0, 0));
    for (i, g) in groups.iter().enumerate() {
        run = if *g == 0 { (if run.1 == 0 { i } else { run.0 }, run.1 + 1) } else { (0, 0) };
        if run.1 > zeros.1 {
            zeros = run;
        }
    }
    let elided = if zeros.1 >= 2 { zeros.0..zeros.0 + zeros.1 } else { 0..0 };
    for (i, g) in groups.iter().enumerate() {
        if elided.contains(&i) {
            if i == elided.start {
                out.push_str("::");
            }
            continue;
        }
        if i > 0 && i != elided.end {
            out.push(':');
        }
        push_hex(out, *g);
    }
}

fn push_decimal(out: &mut String, n: u8) {
    out.extend(Decimal::unsigned(n.into()).as_bytes().iter().map(|&b| char::from(b)));
}

fn push_hex(out: &mut String, n: u16) {
    let mut started = false;
    for shift in [12, 8, 4, 0] {
        let digit = (n >> shift) & 0xf;
        if started || digit > 0 || shift == 0 {
            started = true;
            out.push(char::from_digit(digit.into(), 16).unwrap_or('0'));
        }
    }
}

/// Parses an allow-list entry: a CIDR or a single address (a /32 or /128).
pub fn parse_entry(s: &str) -> Result<Entry, EntryError> {
    check_decoration(s)?;
    let (address, prefix) = match s.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (s, None),
    };
    if address.is_empty() {
        return Err(EntryError::MissingAddress);
    }
    let addr = parse_bare_address(address)?;
    let max = match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let prefix_len = match prefix {
        Some(prefix) => parse_prefix(prefix, max)?,
        None => max,
    };
    let net = IpNet::new(addr, prefix_len).map_err(|_| EntryError::PrefixOutOfRange { max })?;
    Ok(Entry { net: canonical(net).trunc(), host_bits_set: net.addr() != net.network() })
}

/// Parses a request's source address, with the same strictness as entries.
/// An IPv4-mapped address becomes IPv4 so it meets the IPv4 rules; the
/// IPv4-compatible form (`::a.b.c.d`, deprecated by RFC 4291 §2.5.5.1) stays
/// IPv6: it is not how a dual-stack socket reports an IPv4 client.
pub fn parse_source(s: &str) -> Result<IpAddr, EntryError> {
    check_decoration(s)?;
    if s.contains('/') {
        return Err(EntryError::PrefixInSource);
    }
    parse_bare_address(s).map(|addr| addr.to_canonical())
}

/// Refuses what surrounds an address rather than being one: checked on the
/// whole string first so the message names the decoration, not a symptom.
fn check_decoration(s: &str) -> Result<(), EntryError> {
    if s.is_empty() {
        Err(EntryError::Empty)
    } else if s.chars().any(char::is_whitespace) {
        Err(EntryError::Whitespace)
    } else if s.contains('%') {
        Err(EntryError::ZoneId)
    } else if s.contains(['[', ']']) {
        Err(EntryError::Brackets)
    } else {
        Ok(())
    }
}

/// std's parser is already strict (four decimal octets, no leading zeros, no
/// zone ids); it is the authority, and the rest only explains its refusal.
fn parse_bare_address(s: &str) -> Result<IpAddr, EntryError> {
    s.parse::<IpAddr>().map_err(|_| explain_refusal(s))
}

fn explain_refusal(s: &str) -> EntryError {
    match s.rsplit_once(':') {
        None => ipv4_problem(s),
        Some((host, _)) if !host.contains(':') && host.parse::<Ipv4Addr>().is_ok() => {
            EntryError::Port
        }
        // An embedded IPv4 tail (`::ffff:010.0.0.1`) has the IPv4 pitfalls.
        Some((_, tail)) if tail.contains('.') && tail.parse::<Ipv4Addr>().is_err() => {
            match ipv4_problem(tail) {
                EntryError::NotAnAddress => EntryError::InvalidIpv6,
                problem => problem,
            }
        }
        Some(_) => EntryError::InvalidIpv6,
    }
}

/// Names the first IPv4 pitfall found in a string std refused as IPv4.
fn ipv4_problem(s: &str) -> EntryError {
    let octets: Vec<&str> = s.split('.').collect();
    let is_decimal = |o: &&str| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit());
    if octets.iter().any(|o| o.starts_with("0x") || o.starts_with("0X")) {
        EntryError::HexOctet
    } else if !octets.iter().all(is_decimal) {
        EntryError::NotAnAddress
    } else if octets.len() != 4 {
        EntryError::ShorthandIpv4
    } else if octets.iter().any(|o| o.len() > 1 && o.starts_with('0')) {
        EntryError::LeadingZeroOctet
    } else if octets.iter().any(|o| o.parse::<u8>().is_err()) {
        EntryError::OctetOutOfRange
    } else {
        EntryError::NotAnAddress
    }
}

fn parse_prefix(s: &str, max: u8) -> Result<u8, EntryError> {
    if s.is_empty() {
        return Err(EntryError::MissingPrefix);
    }
    // `u8::from_str` would take a leading `+`, so check the digits ourselves.
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EntryError::PrefixNotDecimal);
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(EntryError::PrefixLeadingZero);
    }
    s.parse::<u8>().ok().filter(|&len| len <= max).ok_or(EntryError::PrefixOutOfRange { max })
}

/// Turns an IPv6 network that lies wholly inside `::ffff:0:0/96` into the
/// IPv4 network it denotes (keeping host bits). A shorter IPv6 prefix also
/// covers non-mapped addresses, so it stays IPv6 and matches only IPv6.
fn canonical(net: IpNet) -> IpNet {
    let IpNet::V6(v6) = net else { return net };
    let mapped = v6.addr().to_ipv4_mapped().zip(v6.prefix_len().checked_sub(MAPPED_PREFIX));
    match mapped.and_then(|(addr, prefix_len)| Ipv4Net::new(addr, prefix_len).ok()) {
        Some(v4) => IpNet::V4(v4),
        None => net,
    }
}

/// An allow-list prepared for lookups: per family, sorted disjoint inclusive
/// ranges, so a lookup is one binary search however many entries there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowList {
    v4: Ranges<u32>,
    v6: Ranges<u128>,
}

impl AllowList {
    /// Builds the list in O(n log n). Networks are canonicalised like parsed
    /// entries, so a raw IPv4-mapped network still matches IPv4 sources.
    pub fn new(entries: impl IntoIterator<Item = IpNet>) -> AllowList {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in entries {
            match canonical(net) {
                IpNet::V4(net) => v4.push((u32::from(net.network()), u32::from(net.broadcast()))),
                IpNet::V6(net) => v6.push((u128::from(net.network()), u128::from(net.broadcast()))),
            }
        }
        AllowList { v4: Ranges::merged(v4), v6: Ranges::merged(v6) }
    }

    /// Whether `ip` lies in some entry. An IPv4-mapped address is looked up
    /// as IPv4, so the mapped spelling can neither slip past nor miss a rule.
    /// An empty list contains nothing; what an absent list means is the
    /// caller's policy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip.to_canonical() {
            IpAddr::V4(ip) => self.v4.contains(u32::from(ip)),
            IpAddr::V6(ip) => self.v6.contains(u128::from(ip)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of disjoint address ranges after merging, not the number of
    /// entries: duplicate, nested, overlapping and adjacent entries merge.
    pub fn len(&self) -> usize {
        self.v4.0.len() + self.v6.0.len()
    }
}

/// An address as an integer that has a successor, so touching ranges merge.
trait Address: Copy + Ord {
    fn successor(self) -> Option<Self>;
}

impl Address for u32 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Address for u128 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Sorted, disjoint, non-touching inclusive ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ranges<T>(Vec<(T, T)>);

impl<T: Address> Ranges<T> {
    fn merged(mut ranges: Vec<(T, T)>) -> Self {
        crate::sort::ord(&mut ranges);
        let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                // No successor: the last range already runs to the top address.
                Some(last) if last.1.successor().map_or(true, |next| start <= next) => {
                    last.1 = last.1.max(end);
                }
                _ => merged.push((start, end)),
            }
        }
        merged.shrink_to_fit();
        Ranges(merged)
    }

    fn contains(&self, x: T) -> bool {
        let starting_at_or_before = self.0.partition_point(|&(start, _)| start <= x);
        starting_at_or_before
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .is_some_and(|&(_, end)| x <= end)
    }
}

/// Entries that another entry already covers, for the
/// `overlapping_ip_entries` suggestion.
///
/// Returns `(i, j)`: entry `j` lies within entry `i` (after canonicalisation,
/// so host bits and the mapped spelling do not hide a duplicate). Each covered
/// `j` appears exactly once, paired with the *outermost* entry covering it;
/// among equal outermost entries, the earliest, so of two equal entries the
/// later is the one reported. No `i` is ever itself reported as a `j`, so
/// dropping every `j` leaves a list that allows exactly the same addresses.
/// Pairs come in order of `j`. Runs in O(n log n).
pub fn overlapping(entries: &[IpNet]) -> Vec<(usize, usize)> {
    let mut order: Vec<(Span, usize)> = entries.iter().map(|&net| span(net)).zip(0..).collect();
    // Outer before inner: at the same start the wider (later end) comes first.
    crate::sort::by_key(&mut order, |&((v6, start, end), index)| (v6, start, Reverse(end), index));

    let mut pairs = Vec::new();
    let mut outermost: Option<(Span, usize)> = None;
    for ((v6, start, end), j) in order {
        match outermost {
            // Two CIDRs are nested or disjoint, and nothing sorted before the
            // current outermost entry reaches past it, so starting inside it
            // means lying inside it.
            Some(((outer_v6, _, outer_end), i)) if outer_v6 == v6 && start <= outer_end => {
                pairs.push((i, j))
            }
            _ => outermost = Some(((v6, start, end), j)),
        }
    }
    crate::sort::by_key(&mut pairs, |&(_, j)| j);
    pairs
}

/// Is-IPv6, first and last address: IPv4 widened so both families share one sort.
type Span = (bool, u128, u128);

fn span(net: IpNet) -> Span {
    match canonical(net) {
        IpNet::V4(net) => {
            (false, u32::from(net.network()).into(), u32::from(net.broadcast()).into())
        }
        IpNet::V6(net) => (true, net.network().into(), net.broadcast().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, HashSet};

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn entry(s: &str) -> Entry {
        parse_entry(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn accepts_entries() {
        let cases = [
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("203.0.113.7", "203.0.113.7/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("255.255.255.255/32", "255.255.255.255/32"),
            ("0.0.0.0", "0.0.0.0/32"),
            ("2001:db8::/48", "2001:db8::/48"),
            ("2001:db8::1", "2001:db8::1/128"),
            ("2001:db8::1/128", "2001:db8::1/128"),
            ("::/0", "::/0"),
            // RFC 4291 §2.2: leading zeros in a hex group and upper case are
            // standard IPv6 text and not ambiguous.
            ("2001:0DB8:0000::/48", "2001:db8::/48"),
            ("::ffff:203.0.113.0/120", "203.0.113.0/24"),
            ("::ffff:cb00:7100/120", "203.0.113.0/24"),
            ("::ffff:203.0.113.7", "203.0.113.7/32"),
            ("::ffff:0:0/96", "0.0.0.0/0"),
            // A shorter prefix also covers non-mapped addresses: stays IPv6.
            ("::ffff:0:0/95", "::fffe:0:0/95"),
            // IPv4-compatible (deprecated) is an IPv6 network.
            ("::203.0.113.0/120", "::cb00:7100/120"),
        ];
        for (input, expected) in cases {
            assert_eq!(entry(input).net(), net(expected), "{input}");
        }
    }

    #[test]
    fn mapped_entry_equals_its_ipv4_entry() {
        assert_eq!(entry("::ffff:203.0.113.0/120"), entry("203.0.113.0/24"));
    }

    #[test]
    fn refuses_entries() {
        use EntryError::*;
        let cases = [
            ("", Empty),
            (" 203.0.113.0/24", Whitespace),
            ("203.0.113.0/24 ", Whitespace),
            ("203.0.113.0 /24", Whitespace),
            ("203.0.113.0/ 24", Whitespace),
            ("203.0. 113.0", Whitespace),
            ("203.0.113.0/24\n", Whitespace),
            ("\t2001:db8::/48", Whitespace),
            ("203.0.113.0\u{a0}", Whitespace),
            ("fe80::1%eth0", ZoneId),
            ("fe80::1%25eth0", ZoneId),
            ("fe80::%eth0/64", ZoneId),
            ("[2001:db8::1]", Brackets),
            ("[2001:db8::1]:443", Brackets),
            ("203.0.113.7:443", Port),
            ("/24", MissingAddress),
            ("010.0.0.1", LeadingZeroOctet),
            ("10.0.0.01", LeadingZeroOctet),
            ("0.0.0.00", LeadingZeroOctet),
            ("010.0.0.0/8", LeadingZeroOctet),
            ("::ffff:010.0.0.1", LeadingZeroOctet),
            ("127.1", ShorthandIpv4),
            ("127.0.1", ShorthandIpv4),
            ("2130706433", ShorthandIpv4),
            ("1.2.3.4.5", ShorthandIpv4),
            ("0x7f.0.0.1", HexOctet),
            ("0X7F.0.0.1", HexOctet),
            ("0x7f000001", HexOctet),
            ("256.0.0.1", OctetOutOfRange),
            ("1.2.3.1000", OctetOutOfRange),
            ("::ffff:1.2.3.256", OctetOutOfRange),
            ("1.2.3.", NotAnAddress),
            ("1..3.4", NotAnAddress),
            ("-1.2.3.4", NotAnAddress),
            ("+1.2.3.4", NotAnAddress),
            ("example.com", NotAnAddress),
            ("localhost", NotAnAddress),
            ("\u{ff11}.2.3.4", NotAnAddress),
            ("2001:db8::g", InvalidIpv6),
            ("2001:db8:::1", InvalidIpv6),
            ("1:2:3:4:5:6:7:8:9", InvalidIpv6),
            ("2001:db8::12345", InvalidIpv6),
            ("::ffff:1.2.3.4:1", InvalidIpv6),
            ("203.0.113.0/", MissingPrefix),
            ("203.0.113.0/+24", PrefixNotDecimal),
            ("203.0.113.0/-0", PrefixNotDecimal),
            ("203.0.113.0/255.255.255.0", PrefixNotDecimal),
            ("203.0.113.0/24/8", PrefixNotDecimal),
            ("203.0.113.0/0x18", PrefixNotDecimal),
            ("203.0.113.0/\u{ff12}\u{ff14}", PrefixNotDecimal),
            ("203.0.113.0/024", PrefixLeadingZero),
            ("203.0.113.0/00", PrefixLeadingZero),
            ("2001:db8::/048", PrefixLeadingZero),
            ("203.0.113.0/33", PrefixOutOfRange { max: 32 }),
            ("203.0.113.0/255", PrefixOutOfRange { max: 32 }),
            ("203.0.113.0/99999999999999999999999", PrefixOutOfRange { max: 32 }),
            ("2001:db8::/129", PrefixOutOfRange { max: 128 }),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_entry(input), Err(expected), "{input:?}");
        }
    }

    /// The tricks above that reach std at all must be refused by std itself,
    /// not only by the pre-checks: std is the authority for addresses.
    #[test]
    fn std_refuses_the_ipv4_tricks() {
        for s in [
            "010.0.0.1",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "256.0.0.1",
            "1.2.3.",
            "::ffff:010.0.0.1",
        ] {
            assert!(s.parse::<IpAddr>().is_err(), "{s}");
        }
        assert!("fe80::1%eth0".parse::<Ipv6Addr>().is_err());
    }

    #[test]
    fn host_bits() {
        assert!(entry("203.0.113.5/24").host_bits_set());
        assert_eq!(entry("203.0.113.5/24").net(), net("203.0.113.0/24"));
        assert!(!entry("203.0.113.0/24").host_bits_set());
        assert!(!entry("203.0.113.5").host_bits_set());
        assert!(entry("2001:db8::1/48").host_bits_set());
        assert!(entry("::ffff:203.0.113.5/120").host_bits_set());
        assert!(!entry("::ffff:203.0.113.0/120").host_bits_set());
    }

    #[test]
    fn private_means_within_a_private_range() {
        for s in [
            "10.0.0.0/8",
            "10.1.2.3",
            "172.16.0.0/12",
            "172.31.255.255",
            "192.168.1.0/24",
            "127.0.0.1",
            "169.254.0.0/16",
            "::ffff:192.168.0.1",
            "::1",
            "fc00::/7",
            "fd12:3456::/32",
            "fe80::/10",
            "febf::1",
        ] {
            assert!(entry(s).is_private(), "{s}");
        }
        for s in [
            "0.0.0.0/0",
            "8.0.0.0/6",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.0/16",
            "203.0.113.0/24",
            "::/0",
            "::2",
            "fe00::/7",
            "fec0::/10",
            "2001:db8::/32",
            // IPv4-compatible is not loopback: it is an IPv6 address.
            "::127.0.0.1",
        ] {
            assert!(!entry(s).is_private(), "{s}");
        }
    }

    #[test]
    fn too_broad_boundaries() {
        assert!(entry("0.0.0.0/0").is_too_broad());
        assert!(entry("203.0.0.0/15").is_too_broad());
        assert!(!entry("203.0.0.0/16").is_too_broad());
        assert!(entry("::ffff:203.0.0.0/111").is_too_broad());
        assert!(!entry("::ffff:203.0.0.0/112").is_too_broad());
        assert!(entry("::/0").is_too_broad());
        assert!(entry("2001:db8::/31").is_too_broad());
        assert!(!entry("2001:db8::/32").is_too_broad());
        // Private and too broad are independent findings.
        assert!(entry("10.0.0.0/8").is_too_broad() && entry("10.0.0.0/8").is_private());
    }

    #[test]
    fn sources() {
        assert_eq!(parse_source("203.0.113.7"), Ok(ip("203.0.113.7")));
        assert_eq!(parse_source("2001:db8::1"), Ok(ip("2001:db8::1")));
        assert_eq!(parse_source("::ffff:203.0.113.7"), Ok(ip("203.0.113.7")));
        assert_eq!(parse_source("::ffff:cb00:7107"), Ok(ip("203.0.113.7")));
        assert_eq!(parse_source("::FFFF:CB00:7107"), Ok(ip("203.0.113.7")));
        assert_eq!(
            parse_source("::203.0.113.7"),
            Ok(IpAddr::V6(Ipv4Addr::new(203, 0, 113, 7).to_ipv6_compatible()))
        );

        use EntryError::*;
        for (input, expected) in [
            ("", Empty),
            ("203.0.113.7 ", Whitespace),
            ("fe80::1%eth0", ZoneId),
            ("[::1]", Brackets),
            ("[::1]:443", Brackets),
            ("203.0.113.7:443", Port),
            ("203.0.113.7/32", PrefixInSource),
            ("2001:db8::1/128", PrefixInSource),
            ("010.0.0.1", LeadingZeroOctet),
            ("127.1", ShorthandIpv4),
            ("0x7f.0.0.1", HexOctet),
            ("host.example", NotAnAddress),
        ] {
            assert_eq!(parse_source(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn ipv4_compatible_source_never_matches_ipv4_rules() {
        let list = AllowList::new([net("203.0.113.0/24"), net("0.0.0.0/0")]);
        assert!(!list.contains(parse_source("::203.0.113.7").unwrap()));
        assert!(list.contains(parse_source("::ffff:203.0.113.7").unwrap()));
    }

    #[test]
    fn families_never_cross_except_mapped() {
        let v4_only = AllowList::new([net("0.0.0.0/0")]);
        assert!(!v4_only.contains(ip("::")));
        assert!(!v4_only.contains(ip("2001:db8::1")));
        assert!(v4_only.contains(ip("::ffff:0.0.0.0")));

        let v6_only = AllowList::new([net("::/0")]);
        assert!(!v6_only.contains(ip("0.0.0.0")));
        assert!(!v6_only.contains(ip("255.255.255.255")));
        // A mapped source is an IPv4 client, which an IPv6 rule does not cover.
        assert!(!v6_only.contains(ip("::ffff:203.0.113.7")));
        assert!(v6_only.contains(ip("::203.0.113.7")));

        // A raw mapped network given to the list is an IPv4 rule.
        let mapped = AllowList::new([net("::ffff:203.0.113.0/120")]);
        assert!(mapped.contains(ip("203.0.113.7")));
        assert!(mapped.contains(ip("::ffff:203.0.113.7")));
        assert!(!mapped.contains(ip("::203.0.113.7")));
    }

    #[test]
    fn range_boundaries() {
        let list = AllowList::new([net("203.0.113.0/24"), net("2001:db8::/48")]);
        for (addr, inside) in [
            ("203.0.112.255", false),
            ("203.0.113.0", true),
            ("203.0.113.255", true),
            ("203.0.114.0", false),
            ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false),
            ("2001:db8::", true),
            ("2001:db8:0:ffff:ffff:ffff:ffff:ffff", true),
            ("2001:db8:1::", false),
        ] {
            assert_eq!(list.contains(ip(addr)), inside, "{addr}");
        }
    }

    #[test]
    fn extreme_addresses() {
        let list = AllowList::new([
            net("0.0.0.0/32"),
            net("255.255.255.255/32"),
            net("::/128"),
            net("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
        ]);
        assert_eq!(list.len(), 4);
        for addr in ["0.0.0.0", "255.255.255.255", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
        {
            assert!(list.contains(ip(addr)), "{addr}");
        }
        for addr in ["0.0.0.1", "255.255.255.254", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"]
        {
            assert!(!list.contains(ip(addr)), "{addr}");
        }
        let everything = AllowList::new([net("0.0.0.0/1"), net("128.0.0.0/1"), net("255.0.0.0/8")]);
        assert_eq!(everything.len(), 1);
    }

    #[test]
    fn merging() {
        let adjacent = AllowList::new([net("10.0.0.128/25"), net("10.0.0.0/25")]);
        assert_eq!(adjacent.len(), 1);
        let overlapping = AllowList::new([
            net("10.0.0.0/24"),
            net("10.0.0.0/16"),
            net("10.0.0.7/32"),
            net("10.0.0.0/16"),
        ]);
        assert_eq!(overlapping.len(), 1);
        assert!(overlapping.contains(ip("10.0.255.255")));
        let gap = AllowList::new([net("10.0.0.0/25"), net("10.0.1.0/24")]);
        assert_eq!(gap.len(), 2);
        assert!(!gap.contains(ip("10.0.0.128")));
        assert!(!gap.contains(ip("10.0.0.255")));
        let families = AllowList::new([net("10.0.0.0/8"), net("::a00:0/104")]);
        assert_eq!(families.len(), 2);
        let empty = AllowList::new([]);
        assert!(empty.is_empty());
        assert!(!empty.contains(ip("10.0.0.1")));
        assert!(!families.is_empty());
    }

    #[test]
    fn scales_to_100k_entries() {
        // Every other /24 of 10.0.0.0/8 onwards: 100,000 disjoint ranges.
        let base = u32::from(Ipv4Addr::new(10, 0, 0, 0));
        let network = |i: u32| base + (i << 9);
        let nets =
            (0..100_000).map(|i| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(network(i)), 24).unwrap()));
        let list = AllowList::new(nets.clone().rev());
        assert_eq!(list.len(), 100_000);
        for i in (0..100_000).step_by(997).chain([99_999]) {
            let start = network(i);
            assert!(list.contains(IpAddr::V4(Ipv4Addr::from(start))));
            assert!(list.contains(IpAddr::V4(Ipv4Addr::from(start + 255))));
            assert!(!list.contains(IpAddr::V4(Ipv4Addr::from(start + 256))));
            assert!(!list.contains(IpAddr::V4(Ipv4Addr::from(start - 1))));
        }
        // Every /24 instead: all touch, one range.
        let contiguous = (0..100_000u32)
            .map(|i| IpNet::V4(Ipv4Net::new(Ipv4Addr::from(base + (i << 8)), 24).unwrap()));
        assert_eq!(AllowList::new(contiguous).len(), 1);
    }

    #[test]
    fn overlapping_reports_outermost_container() {
        let entries = [
            net("10.0.0.0/16"),          // 0: inside 1
            net("10.0.0.0/8"),           // 1
            net("10.0.0.0/24"),          // 2: inside 0 and 1; outermost is 1
            net("192.0.2.0/24"),         // 3
            net("192.0.2.0/24"),         // 4: equal to 3, the later one is reported
            net("192.0.2.9/24"),         // 5: equal after clearing host bits
            net("192.0.3.0/24"),         // 6: adjacent, not contained
            net("2001:db8::/32"),        // 7
            net("2001:db8::/48"),        // 8
            net("::ffff:192.0.2.0/120"), // 9: the mapped spelling of 3
            net("::/0"),                 // 10: does not contain IPv4 entries
        ];
        assert_eq!(
            overlapping(&entries),
            vec![(1, 0), (1, 2), (3, 4), (3, 5), (10, 7), (10, 8), (3, 9)]
        );
        assert_eq!(overlapping(&[]), vec![]);
        assert_eq!(overlapping(&[net("10.0.0.0/8"), net("11.0.0.0/8")]), vec![]);
    }

    #[test]
    fn error_codes_are_stable_and_located() {
        let all = [
            EntryError::Empty,
            EntryError::Whitespace,
            EntryError::ZoneId,
            EntryError::Brackets,
            EntryError::Port,
            EntryError::MissingAddress,
            EntryError::HexOctet,
            EntryError::ShorthandIpv4,
            EntryError::LeadingZeroOctet,
            EntryError::OctetOutOfRange,
            EntryError::NotAnAddress,
            EntryError::InvalidIpv6,
            EntryError::MissingPrefix,
            EntryError::PrefixNotDecimal,
            EntryError::PrefixLeadingZero,
            EntryError::PrefixOutOfRange { max: 32 },
            EntryError::PrefixInSource,
        ];
        let codes: HashSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        for code in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
        }

        let error = parse_entry("010.0.0.1").unwrap_err().into_error("/ip_allowlist/3");
        assert_eq!(error.code, ErrorCode::InvalidArgument);
        assert_eq!(
            error.message,
            "/ip_allowlist/3: leading zeros are not allowed in an IPv4 octet (ambiguous octal)"
        );
        assert_eq!(
            EntryError::PrefixOutOfRange { max: 128 }.to_string(),
            "the prefix length must be at most 128 for an IPv6 address"
        );
    }

    #[test]
    fn messages_never_echo_the_input() {
        for s in ["s3cr3t-token", "203.0.113.0/s3cr3t", "s3cr3t:1", "[s3cr3t]", "s3cr3t%x"] {
            let message = parse_entry(s).unwrap_err().to_string();
            assert!(!message.contains("s3cr3t"), "{message}");
        }
    }

    // ---- properties ----

    /// Addresses drawn partly from narrow universes so random networks nest,
    /// touch and overlap instead of being scattered over 2^32 or 2^128.
    fn v4_addr() -> impl Strategy<Value = u32> {
        prop_oneof![
            any::<u32>(),
            (0u32..=0xffff).prop_map(|low| 0x0a00_0000 | low),
            Just(0),
            Just(u32::MAX),
        ]
    }

    fn v6_addr() -> impl Strategy<Value = u128> {
        prop_oneof![
            any::<u128>(),
            (0u128..=0xffff).prop_map(|low| 0x2001_0db8_u128 << 96 | low),
            Just(0),
            Just(u128::MAX),
        ]
    }

    fn v4_net() -> impl Strategy<Value = Ipv4Net> {
        (v4_addr(), prop_oneof![16u8..=32, 0u8..=32])
            .prop_map(|(a, p)| Ipv4Net::new(Ipv4Addr::from(a), p).unwrap())
    }

    /// Never in the mapped range unless by 2^-96 chance: mapped networks have
    /// their own properties below.
    fn v6_net() -> impl Strategy<Value = Ipv6Net> {
        (v6_addr(), prop_oneof![112u8..=128, 0u8..=128])
            .prop_map(|(a, p)| Ipv6Net::new(Ipv6Addr::from(a), p).unwrap())
    }

    fn any_net() -> impl Strategy<Value = IpNet> {
        prop_oneof![v4_net().prop_map(IpNet::V4), v6_net().prop_map(IpNet::V6)]
    }

    /// Either a random address or one at, or one past, an edge of a network.
    #[derive(Clone, Debug)]
    enum Probe {
        Random(IpAddr),
        Edge { net: usize, end: bool, delta: i8 },
    }

    fn probe() -> impl Strategy<Value = Probe> {
        prop_oneof![
            v4_addr().prop_map(|a| Probe::Random(IpAddr::V4(a.into()))),
            v6_addr().prop_map(|a| Probe::Random(IpAddr::V6(a.into()))),
            (any::<usize>(), any::<bool>(), -1i8..=1).prop_map(|(net, end, delta)| Probe::Edge {
                net,
                end,
                delta
            }),
        ]
    }

    fn resolve(probe: &Probe, nets: &[IpNet]) -> Option<IpAddr> {
        match *probe {
            Probe::Random(ip) => Some(ip),
            Probe::Edge { net, end, delta } => {
                let net = nets.get(net % nets.len().max(1))?;
                let edge = if end { net.broadcast() } else { net.network() };
                Some(match edge {
                    IpAddr::V4(a) => {
                        IpAddr::V4(u32::from(a).wrapping_add_signed(delta.into()).into())
                    }
                    IpAddr::V6(a) => {
                        IpAddr::V6(u128::from(a).wrapping_add_signed(delta.into()).into())
                    }
                })
            }
        }
    }

    #[test]
    fn shown_writes_what_cores_display_writes_for_every_pattern_of_zero_groups() {
        for zeros in 0..=255u8 {
            for fill in [0x1_u16, 0xabcd, 0x0f00] {
                let groups: Vec<u16> = (0..8).map(|i| if zeros & (1 << i) != 0 { 0 } else { fill + i }).collect();
                let v6 = Ipv6Addr::new(groups[0], groups[1], groups[2], groups[3], groups[4], groups[5], groups[6], groups[7]);
                assert_eq!(Shown(IpAddr::V6(v6)).to_string(), v6.to_string(), "{groups:?}");
            }
        }
        for v4 in [Ipv4Addr::new(0, 0, 0, 0), Ipv4Addr::new(255, 255, 255, 255), Ipv4Addr::new(10, 0, 100, 9)] {
            assert_eq!(Shown(IpAddr::V4(v4)).to_string(), v4.to_string());
            assert_eq!(Shown(IpAddr::V6(v4.to_ipv6_mapped())).to_string(), v4.to_ipv6_mapped().to_string());
            assert_eq!(Shown(IpAddr::V6(v4.to_ipv6_compatible())).to_string(), v4.to_ipv6_compatible().to_string());
        }
    }

    proptest! {
        #[test]
        fn is_private_is_containment_in_a_private_range(bits in any::<u128>(), prefix in 0u8..=128, range in 0usize..8, keep in 0u8..=128) {
            // An address sharing its first `keep` bits with one private range's network.
            let ranges: Vec<IpNet> = PRIVATE_V4.iter().map(|&r| IpNet::V4(r)).chain(PRIVATE_V6.iter().map(|&r| IpNet::V6(r))).collect();
            let base = ranges[range % ranges.len()];
            let net = match base {
                IpNet::V4(r) => {
                    let keep = u32::from(keep % 33);
                    let mask = u32::MAX.checked_shl(32 - keep).unwrap_or(0);
                    let addr = (u32::from(r.network()) & mask) | (bits as u32 & !mask);
                    IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr), prefix % 33).unwrap().trunc())
                }
                IpNet::V6(r) => {
                    let keep = u32::from(keep);
                    let mask = u128::MAX.checked_shl(128 - keep).unwrap_or(0);
                    let addr = (u128::from(r.network()) & mask) | (bits & !mask);
                    IpNet::V6(Ipv6Net::new(Ipv6Addr::from(addr), prefix).unwrap().trunc())
                }
            };
            let contained = match net {
                IpNet::V4(n) => PRIVATE_V4.iter().any(|r| r.contains(&n)),
                IpNet::V6(n) => PRIVATE_V6.iter().any(|r| r.contains(&n)),
            };
            prop_assert_eq!(parse_entry(&net.to_string()).unwrap().is_private(), contained, "{}", net);
        }

        #[test]
        fn shown_is_cores_and_ipnets_display(bytes in any::<[u8; 16]>(), zeros in any::<u8>(), prefix in 0u8..=128) {
            let mut groups = Ipv6Addr::from(bytes).segments();
            for (i, g) in groups.iter_mut().enumerate() {
                if zeros & (1 << i) != 0 {
                    *g = 0;
                }
            }
            let v6 = Ipv6Addr::from(groups);
            let v4 = Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]);
            prop_assert_eq!(Shown(IpAddr::V6(v6)).to_string(), v6.to_string());
            prop_assert_eq!(Shown(IpAddr::V4(v4)).to_string(), v4.to_string());
            let net = IpNet::new(IpAddr::V6(v6), prefix).unwrap();
            prop_assert_eq!(Shown(net).to_string(), net.to_string());
            let net = IpNet::new(IpAddr::V4(v4), prefix % 33).unwrap();
            prop_assert_eq!(Shown(net).to_string(), net.to_string());
        }

        #[test]
        fn contains_agrees_with_naive(
            nets in prop::collection::vec(any_net(), 0..24),
            probes in prop::collection::vec(probe(), 1..48),
        ) {
            let list = AllowList::new(nets.iter().copied());
            for ip in probes.iter().filter_map(|p| resolve(p, &nets)) {
                // std's `to_canonical` stands in for the module's mapped rule:
                // these networks are never mapped, so no net needs converting.
                let naive = nets.iter().any(|n| n.contains(&ip.to_canonical()));
                prop_assert_eq!(list.contains(ip), naive, "{}", ip);
            }
        }

        /// Writing IPv4 rules and sources in mapped form changes nothing.
        #[test]
        fn mapped_form_is_ipv4(
            v4_nets in prop::collection::vec(v4_net(), 0..16),
            probes in prop::collection::vec(probe(), 1..32),
        ) {
            let nets: Vec<IpNet> = v4_nets.iter().copied().map(IpNet::V4).collect();
            let plain = AllowList::new(nets.iter().copied());
            let mapped = AllowList::new(v4_nets.iter().map(|n| {
                IpNet::V6(Ipv6Net::new(n.addr().to_ipv6_mapped(), n.prefix_len() + 96).unwrap())
            }));
            prop_assert_eq!(&plain, &mapped);
            for probe in &probes {
                let Some(IpAddr::V4(a)) = resolve(probe, &nets) else { continue };
                let expected = nets.iter().any(|n| n.contains(&IpAddr::V4(a)));
                prop_assert_eq!(plain.contains(IpAddr::V4(a)), expected);
                prop_assert_eq!(plain.contains(IpAddr::V6(a.to_ipv6_mapped())), expected);
                prop_assert!(!plain.contains(IpAddr::V6(a.to_ipv6_compatible())));
            }
        }

        #[test]
        fn overlapping_agrees_with_naive(nets in prop::collection::vec(any_net(), 0..32)) {
            let pairs = overlapping(&nets);
            let covers = |i: usize, j: usize| {
                let (a, b) = (nets[i], nets[j]);
                i != j && a.contains(&b) && (!b.contains(&a) || i < j)
            };
            let naive: BTreeSet<usize> =
                (0..nets.len()).filter(|&j| (0..nets.len()).any(|i| covers(i, j))).collect();
            let reported: Vec<usize> = pairs.iter().map(|&(_, j)| j).collect();
            prop_assert_eq!(reported.iter().copied().collect::<BTreeSet<_>>(), naive.clone());
            prop_assert_eq!(reported.len(), naive.len(), "each contained entry once");
            for &(i, j) in &pairs {
                prop_assert!(covers(i, j), "({}, {})", i, j);
                prop_assert!(!naive.contains(&i), "container {} is itself contained", i);
            }
            prop_assert!(reported.windows(2).all(|w| w[0] < w[1]), "ordered by j");
        }

        #[test]
        fn entry_round_trips(net in any_net()) {
            let entry = parse_entry(&net.to_string()).unwrap();
            prop_assert_eq!(entry.net(), net.trunc());
            prop_assert_eq!(entry.host_bits_set(), net != net.trunc());
        }

        #[test]
        fn mapped_entry_round_trips(net in v4_net()) {
            let written = format!("::ffff:{}/{}", net.addr(), net.prefix_len() + 96);
            let entry = parse_entry(&written).unwrap();
            prop_assert_eq!(entry.net(), IpNet::V4(net.trunc()));
            prop_assert_eq!(entry.host_bits_set(), net != net.trunc());
        }

        #[test]
        fn source_round_trips(a in v4_addr(), b in v6_addr()) {
            let v4 = IpAddr::V4(a.into());
            prop_assert_eq!(parse_source(&v4.to_string()), Ok(v4));
            prop_assert_eq!(parse_source(&Ipv4Addr::from(a).to_ipv6_mapped().to_string()), Ok(v4));
            let compatible = IpAddr::V6(Ipv4Addr::from(a).to_ipv6_compatible());
            prop_assert_eq!(parse_source(&compatible.to_string()), Ok(compatible));
            let v6 = IpAddr::V6(b.into());
            prop_assert_eq!(parse_source(&v6.to_string()), Ok(v6.to_canonical()));
        }

        /// Whatever the input, parsing answers instead of panicking.
        #[test]
        fn parsing_never_panics(s in "[0-9a-fA-Fx:./%\\[\\] +-]{0,48}") {
            let _ = parse_entry(&s);
            let _ = parse_source(&s);
        }
    }
}
