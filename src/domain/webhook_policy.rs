//! What a webhook delivery may reach, and when it tries again.
//!
//! **Where**: [`check_url`] takes an endpoint's URL apart with the WHATWG
//! parser of the `url` crate, the one `reqwest` requests with, so what is
//! checked is what will be requested (no parser differential). It refuses
//! what is not `https`, a user name or password, a host not written in
//! ASCII, a percent-encoded host and backslashes. [`address_allowed`]
//! refuses every internal, reserved and special-purpose address (std's
//! `is_global` is not stable); [`check_address`] adds the networks the
//! operator allows (`PORTAAL_WEBHOOK_ALLOW_NETWORKS`, [`Network`]) and is
//! the one guard every caller uses: on save, on "send test", on resend, and
//! on every delivery.
//!
//! A check when the URL is saved is not enough. The delivery client must:
//!
//! - check **every** address a name resolves to, **at every connection**,
//!   with a resolver of its own inside the client (`reqwest`'s
//!   `dns::Resolve`), refusing the host when any address is refused: a name
//!   may resolve to a public address when saved and to `127.0.0.1` a
//!   minute later (DNS rebinding);
//! - check an IP-literal URL's address itself ([`Host::Ip`]): the client
//!   does not resolve it, so the resolver never sees it;
//! - follow **no** redirect (`redirect::Policy::none()`; a 3xx answer is a
//!   failure): a public receiver could otherwise send us on to
//!   `http://169.254.169.254/`;
//! - ignore the proxy environment variables (`.no_proxy()`): a proxy
//!   connects on our behalf, past the resolver's check.
//!
//! **When**: [`RETRY_DELAYS`] is the Standard Webhooks schedule (ten
//! attempts over about three days); [`next_attempt`] spreads it by ±10 %
//! so that failures of one moment do not all come back at once, and
//! [`retry_after`] reads a receiver's `Retry-After` (on 429 and 503). A
//! suggestion for the delivery job: the next attempt is the later of the
//! schedule's and the `Retry-After`'s.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::error::ErrorCode;

/// The longest URL accepted, in characters (as typed and as normalised).
pub const MAX_URL_CHARS: usize = 2000;

/// Where a checked URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A domain name (lower case ASCII): resolve it, and check every
    /// address at connect time.
    Name(String),
    /// An IP literal: the client will not resolve it, so check this
    /// address with [`check_address`] before every request.
    Ip(IpAddr),
}

/// A URL [`check_url`] accepted, and its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The URL as the client will request it (normalised by the parser:
    /// lower-case host, default port left out, path percent-encoded).
    pub url: url::Url,
    pub host: Host,
    /// The URL's port, or the scheme's default.
    pub port: u16,
}

/// Check the form of an endpoint's URL (outer spaces trimmed): `https`
/// (or `http` when `allow_http`), no user name or password, an ASCII host,
/// at most [`MAX_URL_CHARS`] characters. The addresses are not checked
/// here: see [`Target`]'s [`Host`].
pub fn check_url(raw: &str, allow_http: bool) -> Result<Target, ErrorCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ErrorCode::Required);
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(ErrorCode::TooLong(MAX_URL_CHARS));
    }
    // The parser would drop tabs and newlines silently, and read `\` as `/`
    // where other software reads it otherwise.
    if raw
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(ErrorCode::WebhookUrlInvalid);
    }
    let (scheme, rest) = raw.split_once("://").ok_or(ErrorCode::WebhookUrlInvalid)?;
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err(ErrorCode::WebhookUrlScheme),
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // The parser skips extra slashes (`https:///host` is `https://host`).
    if authority.is_empty() {
        return Err(ErrorCode::WebhookUrlInvalid);
    }
    if authority.contains('@') {
        return Err(ErrorCode::WebhookUrlUserinfo);
    }
    if !authority.is_ascii() {
        return Err(ErrorCode::WebhookUrlHost);
    }
    if authority.contains('%') {
        return Err(ErrorCode::WebhookUrlInvalid);
    }
    let url = url::Url::parse(raw).map_err(|_| ErrorCode::WebhookUrlInvalid)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ErrorCode::WebhookUrlUserinfo);
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) if is_dns_name(name) => Host::Name(name.to_string()),
        Some(url::Host::Ipv4(ip)) => Host::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Host::Ip(IpAddr::V6(ip)),
        _ => return Err(ErrorCode::WebhookUrlInvalid),
    };
    let port = match url.port_or_known_default() {
        Some(port) if port != 0 => port,
        _ => return Err(ErrorCode::WebhookUrlInvalid),
    };
    if url.as_str().chars().count() > MAX_URL_CHARS {
        return Err(ErrorCode::TooLong(MAX_URL_CHARS));
    }
    Ok(Target { url, host, port })
}

/// Labels of 1 to 63 letters, digits, `-` and `_` (an absolute name's
/// final dot allowed), 253 characters at most.
fn is_dns_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// IPv4 networks no webhook may reach (RFC 6890 and its successors).
/// Some have a global anycast address or two (192.0.0.9, 192.0.0.10):
/// no receiver lives there, so they are refused whole.
const V4_REFUSED: [(Ipv4Addr, u8); 15] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // shared address space (CGNAT)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local, cloud metadata
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation (TEST-NET-1)
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast (deprecated)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation (TEST-NET-2)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation (TEST-NET-3)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and 255.255.255.255 broadcast
];

/// Global unicast, the only IPv6 space a webhook may reach (apart from
/// the forms that embed an IPv4 address, checked as IPv4). Outside it, so
/// refused: `::` and `::1`, the IPv4-compatible `::/96`, the discard-only
/// `100::/64`, the local-use NAT64 `64:ff9b:1::/48`, SRv6 `5f00::/16`, the
/// unique local `fc00::/7`, link-local `fe80::/10`, site-local `fec0::/10`
/// and multicast `ff00::/8`.
const V6_GLOBAL_UNICAST: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Refused within global unicast.
const V6_REFUSED: [(Ipv6Addr, u8); 3] = [
    // IETF protocol assignments: Teredo 2001::/32, benchmarking
    // 2001:2::/48, and more (the global exceptions below).
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation (RFC 9637)
];

/// The parts of 2001::/23 IANA marks globally reachable: the PCP, TURN
/// and DNS-SD SRP anycast addresses, AMT, AS112 and ORCHIDv2 and DRIP.
const V6_GLOBAL_IN_REFUSED: [(Ipv6Addr, u8); 7] = [
    (Ipv6Addr::new(0x2001, 1, 0, 0, 0, 0, 0, 1), 128),
    (Ipv6Addr::new(0x2001, 1, 0, 0, 0, 0, 0, 2), 128),
    (Ipv6Addr::new(0x2001, 1, 0, 0, 0, 0, 0, 3), 128),
    (Ipv6Addr::new(0x2001, 3, 0, 0, 0, 0, 0, 0), 32),
    (Ipv6Addr::new(0x2001, 4, 0x112, 0, 0, 0, 0, 0), 48),
    (Ipv6Addr::new(0x2001, 0x20, 0, 0, 0, 0, 0, 0), 28),
    (Ipv6Addr::new(0x2001, 0x30, 0, 0, 0, 0, 0, 0), 28),
];

/// The forms of IPv6 address that carry an IPv4 address a connection
/// reaches in the end: IPv4-mapped `::ffff:0:0/96` and NAT64 `64:ff9b::/96`
/// (the last 32 bits), 6to4 `2002::/16` (bits 16 to 48).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let mapped = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0);
    let nat64 = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);
    let six_to_four = Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0);
    if in_v6(ip, mapped, 96) || in_v6(ip, nat64, 96) {
        Some(Ipv4Addr::from(bits as u32))
    } else if in_v6(ip, six_to_four, 16) {
        Some(Ipv4Addr::from((bits >> 80) as u32))
    } else {
        None
    }
}

/// Is `addr` within the first `len` of `bits` bits of `net`?
fn in_prefix(addr: u128, net: u128, len: u8, bits: u32) -> bool {
    len == 0 || (addr ^ net) >> (bits - u32::from(len)) == 0
}

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, len: u8) -> bool {
    in_prefix(u32::from(ip).into(), u32::from(net).into(), len, 32)
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    in_prefix(ip.into(), net.into(), len, 128)
}

/// May a webhook connect to `ip`? Only to a public address: every range
/// of [`V4_REFUSED`] is refused, and in IPv6 everything outside global
/// unicast `2000::/3` and within it `2001::/23` (but for its few global
/// parts), `2001:db8::/32` and `3fff::/20`; an IPv6 address that embeds
/// an IPv4 one (mapped, NAT64, 6to4) is judged by that IPv4 address.
pub fn address_allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !V4_REFUSED.iter().any(|&(net, len)| in_v4(v4, net, len)),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => address_allowed(IpAddr::V4(v4)),
            None => {
                let (unicast, len) = V6_GLOBAL_UNICAST;
                let within = |&(net, len): &(Ipv6Addr, u8)| in_v6(v6, net, len);
                in_v6(v6, unicast, len)
                    && (V6_GLOBAL_IN_REFUSED.iter().any(within) || !V6_REFUSED.iter().any(within))
            }
        },
    }
}

/// The guard: `Ok` when `ip` is public ([`address_allowed`]) or in a
/// network the operator allows.
pub fn check_address(ip: IpAddr, allowed: &[Network]) -> Result<(), ErrorCode> {
    if address_allowed(ip) || allowed.iter().any(|net| net.contains(ip)) {
        Ok(())
    } else {
        Err(ErrorCode::WebhookAddressInternal)
    }
}

/// A network in CIDR notation (`10.1.0.0/16`, `fd00::/8`, or one address),
/// as the operator allows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    len: u8,
}

impl Network {
    /// Read `10.1.0.0/16`, `::1/128` or a bare address (all its bits).
    /// `None` when not an address, the length is too long, or bits are set
    /// past the length (`10.1.2.3/16`: probably a typing error).
    pub fn parse(s: &str) -> Option<Self> {
        let (addr, len) = match s.trim().split_once('/') {
            Some((addr, len)) => (addr.parse::<IpAddr>().ok()?, Some(len)),
            None => (s.trim().parse::<IpAddr>().ok()?, None),
        };
        let bits: u8 = if addr.is_ipv4() { 32 } else { 128 };
        let len = match len {
            None => bits,
            Some(len) if len.bytes().all(|b| b.is_ascii_digit()) => len.parse().ok()?,
            Some(_) => return None,
        };
        let net = Network { addr, len };
        (len <= bits && net.contains(addr) && net.base_only()).then_some(net)
    }

    /// Does the network hold `ip`? An IPv4-mapped IPv6 address counts as
    /// its IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => in_v4(ip, net, self.len),
            (IpAddr::V6(net), IpAddr::V6(ip)) => in_v6(ip, net, self.len),
            _ => false,
        }
    }

    /// No bits set past the prefix.
    fn base_only(&self) -> bool {
        let (addr, bits) = match self.addr {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        };
        let prefix_mask = u128::MAX
            .checked_shl(bits - u32::from(self.len))
            .unwrap_or(0);
        addr & !prefix_mask == 0
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// When to try a message: at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 14 h, 20 h and 24 h after each failure (Standard Webhooks). The
/// tenth failure is the last.
pub const RETRY_DELAYS: [Duration; 10] = [
    Duration::ZERO,
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(14 * 3600),
    Duration::from_secs(20 * 3600),
    Duration::from_secs(24 * 3600),
];

/// When to make the next attempt, `attempts_made` having failed (0: the
/// first attempt, at once), or `None` after the last. The delay of
/// [`RETRY_DELAYS`] is spread by ±10 % with `jitter`, a uniformly random
/// `u32` the caller draws (`u32::from_le_bytes(crypto::random_bytes())`),
/// so tests choose it: 0 is 10 % early, `u32::MAX` 10 % late.
pub fn next_attempt(attempts_made: u32, now: NaiveDateTime, jitter: u32) -> Option<NaiveDateTime> {
    let delay = RETRY_DELAYS.get(usize::try_from(attempts_made).ok()?)?;
    let ms = delay.as_millis();
    // 90 % of the delay, and up to 20 % more in proportion to `jitter`.
    let spread = ms * u128::from(jitter) / (u128::from(u32::MAX) * 5);
    let jittered = i64::try_from(ms * 9 / 10 + spread).ok()?;
    Some(now + chrono::TimeDelta::milliseconds(jittered))
}

/// The longest wait a `Retry-After` can ask for.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// How long a `Retry-After` header asks to wait: delay seconds (`120`) or
/// an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`, and the two obsolete
/// forms), counted from `now` (UTC); at most [`MAX_RETRY_AFTER`], zero for
/// a date past. `None` when it is neither.
pub fn retry_after(header: &str, now: NaiveDateTime) -> Option<Duration> {
    let header = header.trim();
    let wait = if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still a (very long) number of seconds.
        Duration::from_secs(header.parse().unwrap_or(u64::MAX))
    } else {
        let at = httpdate::parse_http_date(header).ok()?;
        let since_epoch = at.duration_since(std::time::UNIX_EPOCH).ok()?;
        let at_secs = i64::try_from(since_epoch.as_secs()).ok()?;
        let now_secs = now.and_utc().timestamp();
        Duration::from_secs(u64::try_from(at_secs - now_secs).unwrap_or(0))
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Each address of `refused` and `allowed` (separated by white space)
    /// judged as expected; an IPv4 one also as IPv4-mapped IPv6.
    fn judged(refused: &str, allowed: &str) {
        for (addrs, expected) in [(refused, false), (allowed, true)] {
            for addr in addrs.split_whitespace() {
                assert_eq!(address_allowed(ip(addr)), expected, "{addr}");
                if let IpAddr::V4(v4) = ip(addr) {
                    let mapped = IpAddr::V6(v4.to_ipv6_mapped());
                    assert_eq!(address_allowed(mapped), expected, "{mapped}");
                }
            }
        }
    }

    #[test]
    fn every_refused_ipv4_range_is_refused_from_first_to_last_address() {
        for (net, len) in V4_REFUSED {
            let first = u32::from(net);
            let last = first | (u32::MAX >> len);
            for addr in [first, first + 1, first + (last - first) / 2, last] {
                let addr = Ipv4Addr::from(addr);
                assert!(!address_allowed(IpAddr::V4(addr)), "{addr} in {net}/{len}");
                // Also as IPv4-mapped, NAT64 and 6to4 IPv6.
                let [a, b, c, d] = addr.octets();
                let (hi, lo) = (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]));
                for v6 in [
                    addr.to_ipv6_mapped(),
                    Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, hi, lo),
                    Ipv6Addr::new(0x2002, hi, lo, 0, 0, 0, 0, 1),
                ] {
                    assert!(!address_allowed(IpAddr::V6(v6)), "{v6}");
                }
            }
        }
    }

    #[test]
    fn the_named_ipv4_addresses() {
        // Of each refused range its first address, one inside and its last;
        // allowed: their neighbours, and well-known public ones.
        judged(
            "0.0.0.0 0.255.255.255 10.0.0.0 10.1.2.3 10.255.255.255
             100.64.0.1 100.127.255.254 127.0.0.1 127.255.255.255
             169.254.0.0 169.254.169.254 172.16.0.1 172.31.255.255
             192.0.0.9 192.0.2.1 192.88.99.1 192.168.1.1 198.18.0.1 198.19.255.255
             198.51.100.7 203.0.113.9 224.0.0.1 239.255.255.250 240.0.0.1
             255.255.255.255",
            "1.0.0.0 1.1.1.1 8.8.8.8 9.255.255.255 11.0.0.0 93.184.215.14
             100.63.255.255 100.128.0.0 126.255.255.255 128.0.0.0
             169.253.255.255 169.255.0.0 172.15.255.255 172.32.0.0
             192.0.1.0 192.0.3.0 192.88.98.255 192.167.255.255 192.169.0.0
             198.17.255.255 198.20.0.0 198.51.99.255 203.0.112.255 223.255.255.255",
        );
    }

    #[test]
    fn the_named_ipv6_addresses() {
        // Refused, line by line: unspecified, loopback, IPv4-compatible;
        // IPv4-mapped, NAT64 and 6to4 of refused IPv4, local-use NAT64;
        // discard-only; IETF assignments (Teredo, benchmarking);
        // documentation, SRv6; unique local, link-local, site-local;
        // multicast; outside global unicast 2000::/3.
        let refused = ":: ::1 ::127.0.0.1 ::8.8.8.8
            ::ffff:127.0.0.1 ::ffff:10.0.0.1 ::ffff:169.254.169.254
            64:ff9b::7f00:1 64:ff9b::a9fe:a9fe 64:ff9b:1::808:808
            2002:7f00:1::1 2002:c0a8:101:: 2002:a9fe:a9fe::1
            100::1 100::ffff:ffff:ffff:ffff
            2001::1 2001:0:4136:e378:8000:63bf:3fff:fdd2 2001:2::1 2001:1ff:ffff::1 2001:1::4
            2001:db8::1 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff 3fff::1 3fff:fff::1 5f00::1
            fc00::1 fd12:3456::1 fdff:ffff::1 fe80::1 febf:ffff::1 fec0::1
            ff02::1 ff0e::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
            1fff:ffff::1 4000::1";
        // Allowed: public ones, neighbours of refused ranges, embedded
        // public IPv4, and the global parts of 2001::/23.
        let allowed = "2606:4700:4700::1111 2001:4860:4860::8888 2a00:1450:4001:80b::200e
            2000::1 2001:200::1 2001:db7:ffff::1 2001:db9::1 3ffe:ffff::1 3fff:1000::1
            ::ffff:8.8.8.8 64:ff9b::808:808 2002:808:808::1
            2001:1::1 2001:1::2 2001:1::3 2001:3::1 2001:4:112::1 2001:20::1 2001:3f::1
            2620:4f:8000::1";
        judged(refused, allowed);
    }

    #[test]
    fn the_operator_may_allow_networks() {
        let allowed = [
            Network::parse("127.0.0.1").unwrap(),
            Network::parse("10.20.0.0/16").unwrap(),
            Network::parse(" fd00:1::/32 ").unwrap(),
        ];
        for ok in [
            "127.0.0.1",
            "::ffff:127.0.0.1",
            "10.20.3.4",
            "fd00:1:2::3",
            "8.8.8.8",
        ] {
            assert_eq!(check_address(ip(ok), &allowed), Ok(()), "{ok}");
        }
        for refused in [
            "127.0.0.2",
            "10.21.0.1",
            "fd00:2::1",
            "::1",
            "169.254.169.254",
        ] {
            assert_eq!(
                check_address(ip(refused), &allowed),
                Err(ErrorCode::WebhookAddressInternal),
                "{refused}"
            );
        }
        assert_eq!(
            check_address(ip("192.168.0.1"), &[]),
            Err(ErrorCode::WebhookAddressInternal)
        );
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("10.0.0.1"))
        );
        assert!(!Network::parse("0.0.0.0/0").unwrap().contains(ip("::1")));
        assert!(Network::parse("::/0").unwrap().contains(ip("::1")));
        assert_eq!(allowed[1].to_string(), "10.20.0.0/16");
        assert_eq!(allowed[0].to_string(), "127.0.0.1/32");
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.1.2.3/16",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "host/8",
            "10.0.0.0/8/8",
            "fd00::1/8",
        ] {
            assert_eq!(Network::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn check_url_takes_https_urls_apart() {
        let t = check_url(" https://Hooks.Example.com/in?x=1 ", false).unwrap();
        assert_eq!(t.url.as_str(), "https://hooks.example.com/in?x=1");
        assert_eq!(t.host, Host::Name("hooks.example.com".into()));
        assert_eq!(t.port, 443);
        let t = check_url("https://example.com:8443", false).unwrap();
        assert_eq!(
            (t.url.as_str(), t.port),
            ("https://example.com:8443/", 8443)
        );
        let t = check_url("https://93.184.215.14/hook", false).unwrap();
        assert_eq!(t.host, Host::Ip(ip("93.184.215.14")));
        let t = check_url("https://[2606:4700::1111]:444/", false).unwrap();
        assert_eq!((t.host, t.port), (Host::Ip(ip("2606:4700::1111")), 444));
        let t = check_url("http://127.0.0.1:8080/hook", true).unwrap();
        assert_eq!((t.host, t.port), (Host::Ip(ip("127.0.0.1")), 8080));
        // Alternative spellings of an address come out as the address, so
        // that the guard judges what the client will connect to.
        for (raw, addr) in [
            ("https://2130706433/", "127.0.0.1"),
            ("https://0x7f.1/", "127.0.0.1"),
            ("https://0177.0.0.1/", "127.0.0.1"),
            (
                "https://[::ffff:169.254.169.254]/",
                "::ffff:169.254.169.254",
            ),
        ] {
            let t = check_url(raw, false).unwrap();
            assert_eq!(t.host, Host::Ip(ip(addr)), "{raw}");
            assert!(check_address(ip(addr), &[]).is_err());
        }
        let name = format!("https://{}.example.com/", "a".repeat(63));
        assert!(check_url(&name, false).is_ok());
        let path = format!("https://example.com/{}", "p".repeat(MAX_URL_CHARS - 20));
        assert_eq!(path.len(), MAX_URL_CHARS);
        assert!(check_url(&path, false).is_ok());
    }

    #[test]
    fn check_url_refuses_with_a_reason() {
        let long = format!("https://example.com/{}", "p".repeat(MAX_URL_CHARS));
        // Within the limit as typed, over it once é is percent-encoded.
        let grows = format!("https://example.com/{}", "é".repeat(1000));
        let long_label = format!("https://{}.example.com/", "a".repeat(64));
        let one_by_one = [
            ("", ErrorCode::Required),
            ("   ", ErrorCode::Required),
            (long.as_str(), ErrorCode::TooLong(MAX_URL_CHARS)),
            (grows.as_str(), ErrorCode::TooLong(MAX_URL_CHARS)),
            (long_label.as_str(), ErrorCode::WebhookUrlInvalid),
            ("https://exa mple.com/", ErrorCode::WebhookUrlInvalid),
            ("https://example.com/a b", ErrorCode::WebhookUrlInvalid),
            ("https://exa\tmple.com/", ErrorCode::WebhookUrlInvalid),
            ("https://example.com/a\nb", ErrorCode::WebhookUrlInvalid),
            ("https://example.com/\u{0}", ErrorCode::WebhookUrlInvalid),
        ];
        for (raw, expected) in one_by_one {
            assert_eq!(check_url(raw, false), Err(expected), "{raw:?}");
        }
        // Separated by white space.
        let by_reason = [
            (
                ErrorCode::WebhookUrlInvalid,
                r"https://example.com\@127.0.0.1/ example.com/hooks https:example.com
                  https:/example.com https:// https:///path https://exam_ple..com/
                  https://%65xample.com/ https://%31%32%37.0.0.1/ https://example.com:0/
                  https://example.com:65536/ https://example.com:x/ https://999.1.1.1/
                  https://[::1/ https://exa<mple.com/",
            ),
            (
                ErrorCode::WebhookUrlScheme,
                "ftp://example.com/ http://example.com/ http://169.254.169.254/
                 file:///etc/passwd gopher://127.0.0.1:25/ javascript://example.com/%0aalert(1)",
            ),
            (
                ErrorCode::WebhookUrlUserinfo,
                "https://user:pw@host.example/ https://user@host.example/
                 https://:pw@host.example/ https://@host.example/ https://example.com@127.0.0.1/",
            ),
            (
                ErrorCode::WebhookUrlHost,
                "https://bücher.example/ https://example.com\u{3002}evil/ https://ｅｘａｍｐｌｅ.com/",
            ),
        ];
        for (expected, urls) in by_reason {
            for raw in urls.split_whitespace() {
                assert_eq!(check_url(raw, false), Err(expected.clone()), "{raw:?}");
            }
        }
        // Allowing http allows nothing else.
        assert_eq!(
            check_url("ftp://example.com/", true),
            Err(ErrorCode::WebhookUrlScheme)
        );
        // A path, query or fragment may have `@`, `%` and non-ASCII.
        let t = check_url("https://example.com/a@b/%41/é?q=@#x", false).unwrap();
        assert_eq!(t.url.as_str(), "https://example.com/a@b/%41/%C3%A9?q=@#x");
        assert_eq!(check_url("HTTPS://EXAMPLE.COM", false).unwrap().port, 443);
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_schedule_with_its_jitter() {
        let now = at("2026-12-05 12:00:00");
        let ms = |t: NaiveDateTime| (t - now).num_milliseconds();
        let middle = u32::MAX / 2;
        let expected = [
            0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400,
        ];
        for (n, delay) in (0..).zip(expected) {
            assert_eq!(ms(next_attempt(n, now, 0).unwrap()), delay * 900);
            assert_eq!(ms(next_attempt(n, now, u32::MAX).unwrap()), delay * 1100);
            let mid = ms(next_attempt(n, now, middle).unwrap());
            assert!((mid - delay * 1000).abs() <= 1, "{n}: {mid}");
        }
        assert_eq!(next_attempt(10, now, middle), None);
        assert_eq!(next_attempt(u32::MAX, now, middle), None);
        // Ten attempts in all, over about three days.
        let total: Duration = RETRY_DELAYS.iter().sum();
        assert_eq!(total.as_secs(), 75 * 3600 + 35 * 60 + 5);
        // The jitter is monotonic in its source: never outside ±10 %.
        let mut last = now;
        for j in (0..=u32::MAX).step_by(1 << 24) {
            let t = next_attempt(9, now, j).unwrap();
            assert!(t >= last && (77_760_000..=95_040_000).contains(&ms(t)));
            last = t;
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = at("2026-10-21 07:28:00");
        let secs = Duration::from_secs;
        for (header, wait) in [
            ("0", Some(secs(0))),
            ("120", Some(secs(120))),
            (" 120 ", Some(secs(120))),
            ("86400", Some(secs(86_400))),
            ("86401", Some(MAX_RETRY_AFTER)),
            ("99999999999999999999999", Some(MAX_RETRY_AFTER)),
            ("Wed, 21 Oct 2026 07:30:00 GMT", Some(secs(120))),
            ("Wednesday, 21-Oct-26 08:28:00 GMT", Some(secs(3600))),
            ("Wed Oct 21 07:28:30 2026", Some(secs(30))),
            ("Wed, 21 Oct 2026 07:00:00 GMT", Some(secs(0))),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(secs(0))),
            ("Sat, 24 Oct 2026 07:28:00 GMT", Some(MAX_RETRY_AFTER)),
            ("", None),
            ("-5", None),
            ("1.5", None),
            ("+5", None),
            ("soon", None),
            ("2026-10-21T07:30:00Z", None),
            ("Wed, 21 Oct 2026 07:30:00 CET", None),
        ] {
            assert_eq!(retry_after(header, now), wait, "{header:?}");
        }
    }
}
