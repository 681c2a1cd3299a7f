//! Time functions: `timestamp`, `plantimestamp`, `formatdate`, `timeadd`, `timecmp`.
//!
//! Timestamps are RFC 3339 strings, parsed as strictly as Terraform (Go's `time.RFC3339` layout)
//! and kept to the nanosecond with their UTC offset, so `timeadd` answers in the offset it was
//! given. `timestamp()` is unknown while validating and planning and known when applying, and
//! `plantimestamp()` is the time the plan was made, both as Terraform does.

use super::{Args, FResult, FnError};
use crate::value::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// What `timestamp()` and `plantimestamp()` return in the current phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// `timestamp()` is the current time (applying, console); otherwise it is unknown.
    pub now_known: bool,
    /// `plantimestamp()`: the plan's time in Unix seconds; `None` (unknown) while validating.
    pub plan_time: Option<i64>,
}

impl Clock {
    /// Validating: both unknown.
    pub fn validating() -> Clock {
        Clock::default()
    }

    /// Planning at `plan_time`: `plantimestamp()` known, `timestamp()` unknown.
    pub fn planning(plan_time: i64) -> Clock {
        Clock {
            now_known: false,
            plan_time: Some(plan_time),
        }
    }

    /// Applying the plan made at `plan_time`: both known.
    pub fn applying(plan_time: i64) -> Clock {
        Clock {
            now_known: true,
            plan_time: Some(plan_time),
        }
    }

    /// The current time in Unix seconds.
    pub fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["formatdate", "plantimestamp", "timeadd", "timecmp", "timestamp"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "timestamp" => Ok(if a.env.clock.now_known {
            Value::String(Instant::utc(Clock::now() as i128 * NANOS).rfc3339())
        } else {
            Value::Unknown
        }),
        "plantimestamp" => Ok(match a.env.clock.plan_time {
            Some(t) => Value::String(Instant::utc(t as i128 * NANOS).rfc3339()),
            None => Value::Unknown,
        }),
        "formatdate" => (|| {
            let t = Instant::parse_rfc3339(a.str(1)?).map_err(|m| FnError::Arg(1, m))?;
            formatdate(a.str(0)?, &t)
                .map(Value::String)
                .map_err(|m| FnError::Arg(0, m))
        })(),
        "timeadd" => (|| {
            let t = Instant::parse_rfc3339(a.str(0)?)?;
            let d = parse_duration(a.str(1)?)?;
            Ok(Value::String(
                Instant {
                    nanos: t.nanos + d as i128,
                    ..t
                }
                .rfc3339(),
            ))
        })(),
        "timecmp" => (|| {
            let x = Instant::parse_rfc3339(a.str(0)?).map_err(|m| FnError::Arg(0, m))?;
            let y = Instant::parse_rfc3339(a.str(1)?).map_err(|m| FnError::Arg(1, m))?;
            Ok(Value::Number(match x.nanos.cmp(&y.nanos) {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            }))
        })(),
        _ => return None,
    })
}

const NANOS: i128 = 1_000_000_000;

/// A point in time with the UTC offset it is shown in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Instant {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    nanos: i128,
    /// Offset east of UTC, in seconds.
    offset: i32,
}

/// Civil date-time fields in the instant's own offset.
pub(super) struct Fields {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub weekday: u32,
}

impl Instant {
    fn utc(nanos: i128) -> Instant {
        Instant { nanos, offset: 0 }
    }

    /// Builds an instant from civil fields (validated by the caller) and an offset.
    pub(super) fn from_fields(date: (i64, u32, u32), time: (u32, u32, u32), frac_nanos: u32, offset: i32) -> Instant {
        let days = days_from_civil(date.0, date.1, date.2);
        let secs =
            days * 86_400 + i64::from(time.0) * 3600 + i64::from(time.1) * 60 + i64::from(time.2) - i64::from(offset);
        Instant {
            nanos: secs as i128 * NANOS + i128::from(frac_nanos),
            offset,
        }
    }

    pub(super) fn fields(&self) -> Fields {
        let local = self.nanos.div_euclid(NANOS) as i64 + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Fields {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            // 1970-01-01 was a Thursday (4, with Sunday 0).
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// RFC 3339 with whole seconds, as Go's `time.RFC3339` layout formats: `Z` for a zero
    /// offset, otherwise `±hh:mm`.
    pub(super) fn rfc3339(&self) -> String {
        let f = self.fields();
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            year_text(f.year),
            f.month,
            f.day,
            f.hour,
            f.minute,
            f.second,
            self.zone(true, true)
        )
    }

    /// The offset as `Z`/`±hh:mm` (`z_for_utc`), or `±hhmm` (`colon` false).
    fn zone(&self, z_for_utc: bool, colon: bool) -> String {
        if self.offset == 0 && z_for_utc {
            return "Z".into();
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs();
        let sep = if colon { ":" } else { "" };
        format!("{sign}{:02}{sep}{:02}", abs / 3600, abs / 60 % 60)
    }

    /// Parses RFC 3339 exactly as Go's `time.Parse(time.RFC3339, ...)`: two-digit fields, a
    /// capital `T`, an optional fraction, and `Z` or `±hh:mm`.
    pub(super) fn parse_rfc3339(s: &str) -> Result<Instant, String> {
        let invalid = |what: &str| format!("not a valid RFC3339 timestamp: {what}");
        let b = s.as_bytes();
        let mut i = 0;
        let num = |i: &mut usize, digits: usize, what: &str| -> Result<u32, String> {
            let field = b.get(*i..*i + digits).filter(|f| f.iter().all(u8::is_ascii_digit));
            let Some(field) = field else {
                return Err(if *i >= b.len() {
                    invalid(&format!("end of string before {what}"))
                } else {
                    invalid(&format!("cannot use {:?} as {what}", &s[*i..]))
                });
            };
            *i += digits;
            Ok(field.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        let sep = |i: &mut usize, c: u8, what: &str| -> Result<(), String> {
            match b.get(*i) {
                Some(x) if *x == c => {
                    *i += 1;
                    Ok(())
                }
                None => Err(invalid(&format!("end of string where \"{}\" is expected", c as char))),
                Some(_) if what == "T" => Err(invalid("missing required time introducer 'T'")),
                Some(_) => Err(invalid(&format!(
                    "found {:?} where \"{}\" is expected",
                    &s[*i..],
                    c as char
                ))),
            }
        };
        let year = num(&mut i, 4, "year")?;
        sep(&mut i, b'-', "-")?;
        let month = num(&mut i, 2, "month")?;
        if !(1..=12).contains(&month) {
            return Err(invalid(&format!("cannot use {:?} as month", &s[i - 2..])));
        }
        sep(&mut i, b'-', "-")?;
        let day = num(&mut i, 2, "day of month")?;
        sep(&mut i, b'T', "T")?;
        let hour = num(&mut i, 2, "hour")?;
        if hour > 23 {
            return Err(invalid("hour must be between 0 and 23 inclusive"));
        }
        sep(&mut i, b':', ":")?;
        let minute = num(&mut i, 2, "minute")?;
        if minute > 59 {
            return Err(invalid("minute must have exactly two digits"));
        }
        sep(&mut i, b':', ":")?;
        let second = num(&mut i, 2, "second")?;
        if second > 59 {
            return Err(invalid(&format!("cannot use {:?} as second", &s[i..])));
        }
        let mut frac = 0u32;
        if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let digits = &s[start..i];
            let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
            frac = padded.parse().unwrap_or(0);
        }
        let offset = match b.get(i) {
            Some(b'Z') if i + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                let hh = s[i + 1..i + 3].parse::<i32>().ok().filter(|h| *h < 24);
                let mm = s[i + 4..i + 6].parse::<i32>().ok().filter(|m| *m < 60);
                match (hh, mm) {
                    (Some(h), Some(m)) => (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 },
                    _ => return Err(invalid("end of string before UTC offset")),
                }
            }
            None => return Err(invalid("end of string before UTC offset")),
            Some(_) => return Err(invalid(&format!("cannot use {:?} as UTC offset", &s[i..]))),
        };
        if day < 1 || day > days_in_month(i64::from(year), month) {
            return Err(invalid("day out of range"));
        }
        Ok(Instant::from_fields(
            (i64::from(year), month, day),
            (hour, minute, second),
            frac,
            offset,
        ))
    }
}

/// Years as Go writes them: at least four digits.
fn year_text(y: i64) -> String {
    if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); the time
/// functions and the time provider share it.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Number of days in a month.
pub(super) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `formatdate`: runs of one letter are verbs (`YYYY`, `MMM`, `hh`, ...), text in single quotes
/// is literal (`''` is a quote), anything else is copied.
fn formatdate(spec: &str, t: &Instant) -> Result<String, String> {
    let f = t.fields();
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            let mut literal = String::new();
            loop {
                match chars.get(j) {
                    None => return Err("unterminated literal '".into()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        literal.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(&x) => {
                        literal.push(x);
                        j += 1;
                    }
                }
            }
            out.push_str(&literal);
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        let verb: String = chars[i..i + n].iter().collect();
        i += n;
        let bad = |rule: &str| -> String {
            if rule.is_empty() {
                format!("invalid date format verb {verb:?}")
            } else {
                format!("invalid date format verb {verb:?}: {rule}")
            }
        };
        let two = |v: u32, n: usize, rule: &str| match n {
            1 => Ok(v.to_string()),
            2 => Ok(format!("{v:02}")),
            _ => Err(bad(rule)),
        };
        let hour12 = if f.hour.is_multiple_of(12) { 12 } else { f.hour % 12 };
        out.push_str(&match c {
            'Y' => match n {
                2 => format!("{:02}", f.year.rem_euclid(100)),
                4 => year_text(f.year),
                _ => return Err(bad("year must either be \"YY\" or \"YYYY\"")),
            },
            'M' => match n {
                1 | 2 => two(f.month, n, "")?,
                3 => MONTHS[f.month as usize - 1][..3].to_string(),
                4 => MONTHS[f.month as usize - 1].to_string(),
                _ => return Err(bad("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")),
            },
            'D' => two(f.day, n, "day of month must either be \"D\" or \"DD\"")?,
            'E' => match n {
                3 => WEEKDAYS[f.weekday as usize][..3].to_string(),
                4 => WEEKDAYS[f.weekday as usize].to_string(),
                _ => return Err(bad("day of week must either be \"EEE\" or \"EEEE\"")),
            },
            'h' => two(f.hour, n, "24-hour must either be \"h\" or \"hh\"")?,
            'H' => two(hour12, n, "12-hour must either be \"H\" or \"HH\"")?,
            'A' | 'a' => {
                if n != 2 {
                    return Err(bad(&format!("must be \"{c}{c}\"")));
                }
                match (f.hour < 12, c == 'A') {
                    (true, true) => "AM",
                    (true, false) => "am",
                    (false, true) => "PM",
                    (false, false) => "pm",
                }
                .to_string()
            }
            'm' => two(f.minute, n, "minute must either be \"m\" or \"mm\"")?,
            's' => two(f.second, n, "second must either be \"s\" or \"ss\"")?,
            'Z' => match n {
                1 => t.zone(true, true),
                3 if t.offset == 0 => "UTC".into(),
                3 | 4 => t.zone(false, false),
                5 => t.zone(false, true),
                _ => return Err(bad("timezone must be Z, ZZZZ, or ZZZZZ")),
            },
            _ => return Err(bad("")),
        });
    }
    Ok(out)
}

/// Parses a duration as Go's `time.ParseDuration` does (`1h30m`, `-1.5h`, `300ms`, `2us`),
/// into nanoseconds.
fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {orig:?}");
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u128 = 1 << 63;
    let mut total: u128 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Whole part.
        let mut v: u128 = 0;
        let mut k = 0;
        while k < s.len() && s[k].is_ascii_digit() {
            v = v * 10 + u128::from(s[k] - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
            k += 1;
        }
        let pre = k > 0;
        s = &s[k..];
        // Fraction.
        let (mut f, mut scale, mut post) = (0u128, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut k = 0;
            let mut overflow = false;
            while k < s.len() && s[k].is_ascii_digit() {
                if !overflow {
                    let next = f * 10 + u128::from(s[k] - b'0');
                    if next > LIMIT {
                        overflow = true;
                    } else {
                        f = next;
                        scale *= 10.0;
                    }
                }
                k += 1;
            }
            post = k > 0;
            s = &s[k..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s.iter().take_while(|c| !(**c == b'.' || c.is_ascii_digit())).count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {orig:?}"));
        }
        let unit_text = String::from_utf8_lossy(&s[..unit_len]).to_string();
        s = &s[unit_len..];
        let unit: u128 = match unit_text.as_str() {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {unit_text:?} in duration {orig:?}")),
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u128;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for days in [-719_468 - 366, -1, 0, 59, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        let t = Instant::parse_rfc3339("2017-11-22T00:00:00+05:30").unwrap();
        assert_eq!(t.rfc3339(), "2017-11-22T00:00:00+05:30");
        assert!(Instant::parse_rfc3339("2017-11-22t00:00:00Z").is_err());
        assert!(Instant::parse_rfc3339("2018-02-30T00:00:00Z").is_err());
    }

    #[test]
    fn durations_follow_go() {
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5h").unwrap(), -5_400_000_000_000);
        assert_eq!(parse_duration("9223372036854775807ns").unwrap(), i64::MAX);
        assert!(parse_duration("9223372036854775808ns").is_err());
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("5").is_err());
    }

    #[test]
    fn timestamp_is_unknown_until_apply() {
        use crate::blueprint::functions::{call, Environment};
        use crate::blueprint::source::{Loc, SourceFile};
        let f = SourceFile::new("t.tf", String::new());
        let loc = Loc::new(&f, Some(0..0));
        let at = |clock| Environment {
            clock,
            ..Default::default()
        };
        assert_eq!(
            call("timestamp", vec![], &at(Clock::planning(0)), &loc).unwrap(),
            Value::Unknown
        );
        assert_eq!(
            call("plantimestamp", vec![], &at(Clock::planning(0)), &loc).unwrap(),
            Value::str("1970-01-01T00:00:00Z")
        );
        assert_eq!(
            call("plantimestamp", vec![], &at(Clock::validating()), &loc).unwrap(),
            Value::Unknown
        );
        let now = call("timestamp", vec![], &at(Clock::applying(0)), &loc).unwrap();
        assert!(Instant::parse_rfc3339(now.as_str().unwrap()).is_ok());
    }
}
