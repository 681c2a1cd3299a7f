//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`.
//!
//! Addresses are parsed as Terraform parses them (IPv4 octets may have leading zeros, read as
//! decimal) and printed as Go prints them; the arithmetic follows the go-cidr library Terraform
//! uses, including how `cidrsubnets` packs subnets of mixed sizes.

use super::{whole, Args, FResult, FnError};
use crate::value::Value;
use num_bigint::BigInt;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "cidrhost" => cidrhost(a),
        "cidrnetmask" => (|| {
            let net = Net::parse(a.str(0)?)?;
            if net.bits != 32 {
                return Err(format!("IPv6 addresses cannot have a netmask: {}", a.str(0)?).into());
            }
            Ok(Value::String(net.addr_text(net.mask())))
        })(),
        "cidrsubnet" => cidrsubnet(a),
        "cidrsubnets" => cidrsubnets(a),
        _ => return None,
    })
}

/// A network: address (as an integer of `bits` bits) and prefix length.
#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    bits: u32,
}

impl Net {
    /// Parses `address/prefix`; the address is masked to the network address.
    fn parse(s: &str) -> Result<Net, FnError> {
        let bad = || FnError::Call(format!("invalid CIDR expression: invalid CIDR address: {s}"));
        let (ip, len) = s.split_once('/').ok_or_else(bad)?;
        let (addr, bits) = match parse_ipv4(ip) {
            Some(v4) => (u128::from(v4), 32),
            None => (u128::from(ip.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?), 128),
        };
        if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let prefix: u32 = len.parse().map_err(|_| bad())?;
        if prefix > bits {
            return Err(bad());
        }
        let net = Net { addr, prefix, bits };
        Ok(Net {
            addr: addr & net.mask(),
            ..net
        })
    }

    fn all_ones(&self) -> u128 {
        if self.bits == 128 {
            u128::MAX
        } else {
            (1u128 << self.bits) - 1
        }
    }

    fn mask_of(&self, prefix: u32) -> u128 {
        let host_bits = self.bits.saturating_sub(prefix);
        let host_mask = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        self.all_ones() & !host_mask
    }

    fn mask(&self) -> u128 {
        self.mask_of(self.prefix)
    }

    /// The last address of the network.
    fn last(&self) -> u128 {
        self.addr | (self.all_ones() & !self.mask())
    }

    fn addr_text(&self, addr: u128) -> String {
        if self.bits == 32 {
            std::net::Ipv4Addr::from(addr as u32).to_string()
        } else {
            ipv6_text(addr)
        }
    }

    fn text(&self) -> String {
        format!("{}/{}", self.addr_text(self.addr), self.prefix)
    }
}

/// Dotted IPv4 as Terraform reads it: four decimal numbers up to 255, leading zeros allowed.
fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = 0u32;
    for p in parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = p.trim_start_matches('0');
        let n: u32 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
    }
    Some(out)
}

/// An IPv6 address as Go prints it: IPv4-mapped addresses dotted, otherwise the longest run of
/// two or more zero groups compressed to `::`.
fn ipv6_text(addr: u128) -> String {
    if addr >> 32 == 0xffff {
        return std::net::Ipv4Addr::from(addr as u32).to_string();
    }
    let groups: Vec<u16> = (0..8).map(|i| (addr >> (112 - 16 * i)) as u16).collect();
    let (mut best, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best = usize::MAX;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if !out.is_empty() && !out.ends_with(':') {
            out.push(':');
        }
        out.push_str(&format!("{:x}", groups[i]));
        i += 1;
    }
    out
}

fn cidrhost(a: &Args) -> FResult {
    let net = Net::parse(a.str(0)?)?;
    let num = whole(a.num(1)?)?;
    let size: i128 = 1i128 << (net.bits - net.prefix).min(126);
    let host = if num < 0 {
        size + i128::from(num)
    } else {
        i128::from(num)
    };
    if host < 0 || host >= size {
        return Err(format!(
            "prefix of {} does not accommodate a host numbered {}",
            net.prefix,
            if num < 0 { host } else { i128::from(num) }
        )
        .into());
    }
    Ok(Value::String(net.addr_text(net.addr | host as u128)))
}

fn cidrsubnet(a: &Args) -> FResult {
    let net = Net::parse(a.str(0)?)?;
    let newbits = whole(a.num(1)?)?;
    let netnum = whole(a.num(2)?)?;
    let prefix = i64::from(net.prefix) + newbits;
    if prefix > i64::from(net.bits) {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        )
        .into());
    }
    // go-cidr compares the low 64 bits of |netnum| with 2^newbits - 1 computed in uint64, where
    // shifts of 64 or more (and negative newbits) give no limit.
    let limit = if (0..64).contains(&newbits) {
        (1u64 << newbits) - 1
    } else {
        u64::MAX
    };
    if netnum.unsigned_abs() > limit {
        return Err(format!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}").into());
    }
    if prefix < 0 {
        return Err(format!("invalid prefix length {prefix}").into());
    }
    // The number is ORed into the address as a two's-complement big integer, and the address
    // is then its magnitude, as go-cidr computes it (this is what a negative netnum gives).
    let shift = (i64::from(net.bits) - prefix) as usize;
    let combined = BigInt::from(net.addr) | (BigInt::from(netnum) << shift);
    let (_, magnitude) = combined.into_parts();
    let bytes = magnitude.to_bytes_be();
    let width = (net.bits / 8) as usize;
    if bytes.len() > width {
        return Err("the subnet number does not fit in the address".into());
    }
    let addr = bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    Ok(Value::String(
        Net {
            addr,
            prefix: prefix as u32,
            bits: net.bits,
        }
        .text(),
    ))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size, as
/// go-cidr's `NextSubnet` allocates them.
fn cidrsubnets(a: &Args) -> FResult {
    let net = Net::parse(a.str(0)?)?;
    if a.len() < 2 {
        return Ok(Value::List(vec![]));
    }
    let first = whole(a.num(1)?).map_err(|m| FnError::Arg(1, m))? + i64::from(net.prefix);
    let first = first.clamp(0, i64::from(net.bits)) as u32;
    // The subnet just before the network, at the first length (wrapping below zero).
    let prev_addr = net.addr.wrapping_sub(1) & net.all_ones();
    let mut current = Net {
        addr: prev_addr & net.mask_of(first),
        prefix: first,
        bits: net.bits,
    };
    let mut out = Vec::new();
    for i in 1..a.len() {
        let bits = whole(a.num(i)?).map_err(|m| FnError::Arg(i, m))?;
        if bits < 1 {
            return Err(FnError::Arg(i, "must extend prefix by at least one bit".into()));
        }
        if bits > 32 {
            return Err(FnError::Arg(i, "may not extend prefix by more than 32 bits".into()));
        }
        let length = bits + i64::from(net.prefix);
        if length > i64::from(net.bits) {
            let protocol = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(FnError::Arg(
                i,
                format!("would extend prefix to {length} bits, which is too long for an {protocol} address"),
            ));
        }
        let length = length as u32;
        let mask = net.mask_of(length);
        let containing = Net {
            addr: current.last() & mask,
            prefix: length,
            bits: net.bits,
        };
        let next_addr = containing.last().wrapping_add(1) & net.all_ones();
        let next = Net {
            addr: next_addr & mask,
            prefix: length,
            bits: net.bits,
        };
        if next_addr == 0 || (next.addr & net.mask()) != net.addr {
            return Err(FnError::Arg(
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                    current.text()
                ),
            ));
        }
        out.push(Value::String(next.text()));
        current = next;
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_and_print_as_in_terraform() {
        let n = Net::parse("010.0.0.1/8").ok().unwrap();
        assert_eq!(n.text(), "10.0.0.0/8");
        assert_eq!(
            ipv6_text(u128::from(
                "fd00:fd12:3456:7890::22".parse::<std::net::Ipv6Addr>().unwrap()
            )),
            "fd00:fd12:3456:7890::22"
        );
        assert_eq!(ipv6_text(1u128 << 64), "0:0:0:1::");
        assert!(Net::parse("10.0.0.0/33").is_err());
        assert!(Net::parse("10.0.0.256/8").is_err());
    }
}
