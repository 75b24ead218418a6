//! Client addresses: `X-Forwarded-For` is believed only from the proxies in `trusted_proxies`.

use std::net::IpAddr;
use std::str::FromStr;

/// An address block such as `10.0.0.0/8` or `::1/128`; a bare address is a block of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for IpBlock {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (addr_text, prefix_text) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let addr: IpAddr = addr_text.parse().map_err(|_| {
            format!("invalid proxy address \"{text}\": expected an IP address or a block such as 10.0.0.0/8")
        })?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => {
                    return Err(format!(
                        "invalid prefix length in \"{text}\": expected 0 to {max}"
                    ))
                }
            },
        };
        Ok(Self { addr, prefix })
    }
}

impl IpBlock {
    /// Returns true when `ip` lies in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(block), IpAddr::V4(ip)) => {
                prefix_match(&block.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(block), IpAddr::V6(ip)) => {
                prefix_match(&block.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(block), IpAddr::V4(ip)) => {
                prefix_match(&block.octets(), &ip.to_ipv6_mapped().octets(), self.prefix)
            }
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
        }
    }
}

fn prefix_match(block: &[u8], ip: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if block[..full] != ip[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (block[full] & mask) == (ip[full] & mask)
}

/// Returns the client address: the peer, or, when the peer is a trusted proxy, the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_addr(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpBlock]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|block| block.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for part in header.rsplit(',') {
        let Ok(ip) = part.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

pub use jiyue_core::net::is_public;

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let block: IpBlock = "10.0.0.0/8".parse().unwrap();
        assert!(block.contains(ip("10.1.2.3")));
        assert!(!block.contains(ip("11.0.0.1")));
        let v6: IpBlock = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!("10.0.0.0/33".parse::<IpBlock>().is_err());
        assert!("proxy".parse::<IpBlock>().is_err());
    }

    #[test]
    fn forwarded_for_believed_only_from_trusted_peer() {
        let trusted = vec!["127.0.0.1".parse().unwrap()];
        let xff = Some("203.0.113.9, 198.51.100.4");
        assert_eq!(
            client_addr(ip("127.0.0.1"), xff, &trusted),
            ip("198.51.100.4")
        );
        assert_eq!(client_addr(ip("192.0.2.1"), xff, &trusted), ip("192.0.2.1"));
        assert_eq!(
            client_addr(ip("127.0.0.1"), Some("junk"), &trusted),
            ip("127.0.0.1")
        );
    }
}
