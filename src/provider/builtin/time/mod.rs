//! hashicorp/time: timestamps taken once and kept in state (`time_static`, `time_offset`,
//! `time_rotating`) so plans stay stable where `timestamp()` would change every run, and
//! `time_sleep`, a delay in the dependency graph.
//!
//! The calendar arithmetic follows Go's `time` package, which Terraform's provider uses:
//! `AddDate` normalises overflowing months and days (January 31 plus one month is March 2 or 3),
//! timestamps are RFC 3339 in UTC (`2020-02-12T06:36:13Z`), durations are Go durations
//! (`1h30m`, `500ms`).

pub mod offset;
pub mod rotating;
pub mod sleep;
pub mod static_time;

use crate::value::Value;
use std::time::Duration;

/// The current time in whole seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a civil date, months and days already in range.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    crate::blueprint::functions::time::days_from_civil(y, m as u32, d as u32)
}

/// The civil date of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let (y, m, d) = crate::blueprint::functions::time::civil_from_days(z);
    (y, i64::from(m), i64::from(d))
}

/// Year, month, day, hour, minute, second of a UTC time.
pub fn civil(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let r = secs.rem_euclid(86_400);
    (y, m, d, r / 3600, (r % 3600) / 60, r % 60)
}

/// The time of a civil date and clock, normalising out-of-range months and days as Go's
/// `time.Date` does.
pub fn from_civil(y: i64, m: i64, d: i64, hh: i64, mm: i64, ss: i64) -> i64 {
    let m0 = m - 1;
    let y = y + m0.div_euclid(12);
    let m = m0.rem_euclid(12) + 1;
    (days_from_civil(y, m, 1) + d - 1) * 86_400 + hh * 3600 + mm * 60 + ss
}

/// Go's `t.AddDate(years, months, days)`.
pub fn add_date(secs: i64, years: i64, months: i64, days: i64) -> i64 {
    let (y, m, d, hh, mm, ss) = civil(secs);
    from_civil(y + years, m + months, d + days, hh, mm, ss)
}

/// RFC 3339 in UTC, as Terraform's time provider writes timestamps.
pub fn format_rfc3339(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = civil(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// Parses an RFC 3339 timestamp (`2020-02-12T06:36:13Z`, fractions and `±hh:mm` offsets
/// allowed; fractions are dropped) into seconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let bad = || format!("\"{text}\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SSZ)");
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let s = text.get(r).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let days_in_month = days_from_civil(y + i64::from(mo == 12), mo % 12 + 1, 1) - days_from_civil(y, mo, 1);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month || h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && &rest[3..4] == ":" => {
            let oh: i64 = rest[1..3].parse().map_err(|_| bad())?;
            let om: i64 = rest[4..6].parse().map_err(|_| bad())?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return Err(bad()),
    };
    Ok(from_civil(y, mo, d, h, mi, s) - offset)
}

/// A schema with the computed timestamp attributes of [`parts`] added, as every time resource
/// exposes them.
pub fn with_parts(schema: crate::schema::Schema) -> crate::schema::Schema {
    ["year", "month", "day", "hour", "minute", "second", "unix"]
        .into_iter()
        .fold(schema, |s, name| s.computed(name, crate::schema::Type::Number))
}

/// The attributes the time resources expose for a timestamp.
pub fn parts(secs: i64) -> [(&'static str, Value); 7] {
    let (y, m, d, hh, mm, ss) = civil(secs);
    [
        ("year", Value::from(y)),
        ("month", Value::from(m)),
        ("day", Value::from(d)),
        ("hour", Value::from(hh)),
        ("minute", Value::from(mm)),
        ("second", Value::from(ss)),
        ("unix", Value::from(secs)),
    ]
}

/// Sets the timestamp attributes of `parts` on a value.
pub fn set_parts(v: &mut Value, secs: i64) {
    for (k, x) in parts(secs) {
        super::util::set(v, k, x);
    }
}

/// Parses a Go duration (`30s`, `1m30s`, `1.5h`, `300ms`; units ns, us, µs, ms, s, m, h).
/// Negative durations are refused: nothing can wait for less than no time.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.trim().trim_start_matches('+').starts_with('-') {
        return Err(format!("duration \"{text}\" is negative"));
    }
    crate::duration::parse_go_duration(text)
        .ok_or_else(|| format!("\"{text}\" is not a duration (for example 30s, 5m, 1h30m)"))
}

/// A whole-number argument that may be null.
fn int_or_zero(v: &Value, key: &str) -> i64 {
    v.get(key).as_number().map(|n| n as i64).unwrap_or(0)
}

/// Error unless at least one of `names` is set (or unknown), as the provider's validators say.
fn at_least_one(config: &Value, names: &[&str], what: &str) -> Result<(), String> {
    if names.iter().any(|n| !config.get(n).is_null()) {
        return Ok(());
    }
    Err(format!(
        "At least one of the {what} arguments must be configured: {}",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_honours_offsets() {
        let t = parse_rfc3339("2020-02-12T06:36:13Z").unwrap();
        assert_eq!(t, 1_581_489_373);
        assert_eq!(format_rfc3339(t), "2020-02-12T06:36:13Z");
        assert_eq!(parse_rfc3339("2020-02-12T07:36:13.25+01:00").unwrap(), t);
        for bad in [
            "2020-02-30T00:00:00Z",
            "2020-2-12T06:36:13Z",
            "yesterday",
            "2020-02-12T06:36:13",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn add_date_normalises_like_go() {
        let jan31 = parse_rfc3339("2021-01-31T10:00:00Z").unwrap();
        assert_eq!(format_rfc3339(add_date(jan31, 0, 1, 0)), "2021-03-03T10:00:00Z");
        let leap = parse_rfc3339("2020-02-29T00:00:00Z").unwrap();
        assert_eq!(format_rfc3339(add_date(leap, 1, 0, 0)), "2021-03-01T00:00:00Z");
        assert_eq!(format_rfc3339(add_date(leap, 0, -3, 1)), "2019-11-30T00:00:00Z");
        assert_eq!(format_rfc3339(add_date(leap, 0, 0, 366)), "2021-03-01T00:00:00Z");
    }

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("300ms").unwrap(), Duration::from_millis(300));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        for bad in ["", "30", "5 minutes", "-1s", "1d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parts_are_the_utc_fields() {
        let p = parts(parse_rfc3339("2020-02-12T06:36:13Z").unwrap());
        assert_eq!(p[0].1, Value::from(2020));
        assert_eq!(p[2].1, Value::from(12));
        assert_eq!(p[5].1, Value::from(13));
    }
}
