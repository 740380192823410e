//! Text from outside (providers' webhooks, mails) made storable: NUL and the other control
//! characters but tab, line feed and carriage return are removed, so that PostgreSQL and
//! SQLite store the same thing and a provider's delivery is answered instead of failing
//! (and being retried forever). The API refuses such text instead (`BAD_USER_INPUT`):
//! there the sender can correct it.

/// Whether `c` is a control character Guichet does not store.
#[must_use]
pub fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` without the characters Guichet does not store.
#[must_use]
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !is_forbidden(*c)).collect()
}

/// [`clean`] for optional text.
#[must_use]
pub fn clean_opt(text: Option<String>) -> Option<String> {
    text.map(|t| clean(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_go_and_layout_stays() {
        assert_eq!(clean("a\u{0}b\u{1b}[31mc\u{7f}\u{85}"), "ab[31mc");
        assert_eq!(clean("ligne\r\nsuivante\tfin"), "ligne\r\nsuivante\tfin");
        assert_eq!(clean_opt(Some("\u{0}".into())), Some(String::new()));
    }
}
