//! The client's address when kognit runs behind proxies (kognit extension:
//! `trusted_proxies`). Behind a load balancer every TCP peer is the balancer,
//! so per-IP rate limits would throttle everyone together and auth events
//! would all name the balancer. When the peer is a trusted proxy, the
//! address it reports in `X-Forwarded-For` is used instead, walking the list
//! from its right end (the hop nearest to kognit) past further trusted
//! proxies to the first address that is not one. A peer that is not trusted
//! is taken as it is, so a client cannot name its own address.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address range such as `10.0.0.0/8` or `fd00::/8`; a plain address is
/// a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    bits: u8,
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an IP address or range (e.g. 10.0.0.0/8)");
        let (addr, bits) = match s.trim().split_once('/') {
            Some((addr, bits)) => (addr, Some(bits.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let base = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if base.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        if bits > max {
            return Err(bad());
        }
        Ok(Self { base, bits })
    }
}

impl IpRange {
    /// Whether `ip` lies in the range (IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                prefix_eq(&base.octets(), &ip.octets(), self.bits)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                prefix_eq(&base.octets(), &ip.octets(), self.bits)
            }
            _ => false,
        }
    }
}

/// Whether the first `bits` bits of `a` and `b` agree.
fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let whole = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

/// One `X-Forwarded-For` entry: an address, possibly with a port.
fn hop(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    IpAddr::from_str(s)
        .ok()
        .or_else(|| SocketAddr::from_str(s).ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address: the TCP peer, or what trusted proxies say it is.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpRange]) -> IpAddr {
    let trusts = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    let mut client = peer.to_canonical();
    if !trusts(client) {
        return client;
    }
    // Several X-Forwarded-For headers read as one list, in order.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in hops.iter().rev() {
        match hop(entry) {
            Some(ip) => {
                client = ip;
                if !trusts(ip) {
                    break;
                }
            }
            // A hop a proxy wrote that is no address: trust nothing beyond it.
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(list: &[&str]) -> Vec<IpRange> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let r: IpRange = "10.1.0.0/16".parse().unwrap();
        assert!(r.contains(ip("10.1.255.3")));
        assert!(!r.contains(ip("10.2.0.1")));
        assert!(r.contains(ip("::ffff:10.1.0.9")));
        let one: IpRange = "192.168.1.7".parse().unwrap();
        assert!(one.contains(ip("192.168.1.7")) && !one.contains(ip("192.168.1.8")));
        let v6: IpRange = "fd00::/12".parse().unwrap();
        assert!(v6.contains(ip("fd0f::1")) && !v6.contains(ip("fd10::1")));
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")) && !all.contains(ip("::1")));
        for bad in ["10.0.0.0/33", "::/129", "10.0.0", "x/8", "10.0.0.0/", ""] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let t = ranges(&["10.0.0.0/8"]);
        let got = client_ip(ip("203.0.113.9"), &headers(&["198.51.100.1"]), &t);
        assert_eq!(got, ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers(&[]), &[]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_peer_hands_over_to_the_first_untrusted_hop_from_the_right() {
        let t = ranges(&["10.0.0.0/8", "127.0.0.1"]);
        // client, spoofed by the client, then a second proxy.
        let h = headers(&["1.1.1.1, 198.51.100.7", "10.9.9.9"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("198.51.100.7"));
        // Ports and IPv6 forms.
        let h = headers(&["[2001:db8::5]:4711, 10.0.0.2:80"]);
        assert_eq!(client_ip(ip("10.0.0.3"), &h, &t), ip("2001:db8::5"));
        // Every hop trusted: the leftmost one.
        let h = headers(&["10.0.0.5, 10.0.0.6"]);
        assert_eq!(client_ip(ip("10.0.0.7"), &h, &t), ip("10.0.0.5"));
        // No header: the proxy itself.
        assert_eq!(client_ip(ip("10.0.0.7"), &headers(&[]), &t), ip("10.0.0.7"));
        // Garbage stops the walk at the last address read.
        let h = headers(&["198.51.100.1, unknown, 10.0.0.8"]);
        assert_eq!(client_ip(ip("10.0.0.7"), &h, &t), ip("10.0.0.8"));
    }
}
