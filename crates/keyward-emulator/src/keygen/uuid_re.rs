//! Keygen's test for a UUID (`config/initializers/regexp.rb`'s `UUID_RE`), which a token must
//! not look like (`authentication.rb`).

/// `config/initializers/regexp.rb`'s `UUID_RE`: 32 hex digits in groups of 8, 4, 4, 4 and 12,
/// each hyphen between them optional.
pub(crate) fn matches_uuid_re(text: &str) -> bool {
    let mut rest = text;
    for (i, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix('-').unwrap_or(rest);
        }
        let Some((group, tail)) = rest.split_at_checked(len) else {
            return false;
        };
        if !group.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
        rest = tail;
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::matches_uuid_re;

    #[test]
    fn uuids_with_or_without_hyphens_match_and_nothing_else() {
        assert!(matches_uuid_re("852da78f-1444-4462-8863-d7b9fff9e003"));
        assert!(matches_uuid_re("852DA78F14444462-8863d7b9fff9e003"));
        assert!(!matches_uuid_re("852da78f-1444-4462-8863-d7b9fff9e00"));
        assert!(!matches_uuid_re("852da78f-1444-4462-8863-d7b9fff9e0033"));
        assert!(!matches_uuid_re("prod-852da78f14444462-8863d7b9fff9e003"));
        assert!(!matches_uuid_re("852da78f--1444-4462-8863-d7b9fff9e003"));
    }
}
