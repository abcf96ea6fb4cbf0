//! Times in claims: seconds since the Unix epoch, parsed from and shown to people.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the epoch, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The first second RFC 3339 cannot write (year 10000); humantime refuses it.
const YEAR_10000: u64 = 253_402_300_800;

/// RFC 3339 in UTC, e.g. `2026-11-24T10:00:00Z`. A time from year 10000 on (a token may say
/// anything up to `u64::MAX`) is written in seconds instead, never a panic.
pub fn rfc3339(secs: u64) -> String {
    if secs >= YEAR_10000 {
        return format!("{secs} s after 1970-01-01 (after year 9999)");
    }
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// How far `secs` is from `now`, in the largest whole unit: `in 3 days`, `2 hours ago`, `now`.
pub fn relative(secs: u64, now: u64) -> String {
    let (diff, future) = if secs >= now {
        (secs - now, true)
    } else {
        (now - secs, false)
    };
    let (n, unit) = match diff {
        0 => return "now".to_string(),
        d if d < 60 => (d, "second"),
        d if d < 3600 => (d / 60, "minute"),
        d if d < 86400 => (d / 3600, "hour"),
        d => (d / 86400, "day"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// `2026-11-24T10:00:00Z (in 3 days)`.
pub fn describe(secs: u64, now: u64) -> String {
    format!("{} ({})", rfc3339(secs), relative(secs, now))
}

/// Parses a point in time given as a duration from `now` (`90m`, `12h`, `30d`) or as an
/// RFC 3339 time (`2027-01-01T00:00:00Z`, `2027-01-01T09:00:00+09:00`).
pub fn parse_time(text: &str, now: u64) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(d) = humantime::parse_duration(text) {
        return Ok(now.saturating_add(d.as_secs()));
    }
    parse_rfc3339(text).ok_or_else(|| {
        format!(
            "'{text}' is neither a duration (90m, 12h, 30d) nor an RFC 3339 time (2027-01-01T00:00:00Z)"
        )
    })
}

fn parse_rfc3339(text: &str) -> Option<u64> {
    // humantime reads UTC (`Z`) only; a numeric offset is applied here.
    // Only ASCII is sliced by byte index: anything else is not an RFC 3339 time anyway.
    if !text.is_ascii() {
        return None;
    }
    let (base, offset) = match text.len().checked_sub(6).map(|i| text.split_at(i)) {
        Some((base, off))
            if (off.starts_with('+') || off.starts_with('-')) && off.as_bytes()[3] == b':' =>
        {
            let sign: i64 = if off.starts_with('-') { -1 } else { 1 };
            let hours: i64 = off[1..3].parse().ok()?;
            let minutes: i64 = off[4..6].parse().ok()?;
            (format!("{base}Z"), sign * (hours * 3600 + minutes * 60))
        }
        _ => (text.to_string(), 0),
    };
    let t = humantime::parse_rfc3339(&base).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
    u64::try_from(secs - offset).ok()
}

/// Parses a duration such as `30s`, `90m`, `12h`, `30d` into whole seconds (policy ages and
/// leeways, which claims count in seconds).
pub fn parse_duration(text: &str) -> Result<u64, String> {
    parse_std_duration(text).map(|d| d.as_secs())
}

/// Parses a duration such as `300ms`, `30s`, `5m` (runtime limits, debounce intervals).
pub fn parse_std_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim()).map_err(|e| {
        format!("'{text}' is not a duration ({e}); use e.g. 500ms, 30s, 90m, 12h, 30d")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_times_are_errors_not_panics() {
        assert!(parse_time("2027-01-01T00:00:00+0é:00", 0).is_err());
        assert!(parse_time("ééééééé", 0).is_err());
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert!(parse_std_duration("soon").is_err());
    }

    #[test]
    fn durations_and_times_parse() {
        assert_eq!(parse_time("90m", 1000), Ok(1000 + 5400));
        assert_eq!(parse_time("30d", 0), Ok(30 * 86400));
        assert_eq!(parse_time("1970-01-02T00:00:00Z", 5), Ok(86400));
        assert_eq!(parse_time("1970-01-02T09:00:00+09:00", 5), Ok(86400));
        assert_eq!(parse_time("1970-01-01T23:00:00-01:00", 5), Ok(86400));
        assert!(parse_time("tomorrow", 0).is_err());
    }

    #[test]
    fn times_past_year_9999_are_shown_not_a_panic() {
        assert_eq!(rfc3339(YEAR_10000 - 1), "9999-12-31T23:59:59Z");
        assert!(rfc3339(YEAR_10000).contains("after year 9999"));
        assert!(describe(u64::MAX, 0).starts_with("18446744073709551615 s"));
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(100 + 3 * 86400, 100), "in 3 days");
        assert_eq!(relative(100, 100 + 3600), "1 hour ago");
        assert_eq!(describe(0, 60), "1970-01-01T00:00:00Z (1 minute ago)");
    }
}
