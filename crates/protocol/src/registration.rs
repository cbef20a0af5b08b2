//! A registration token: what a relay's operator hands to a chamber so it may
//! register there (`nextdate-relay token create`). 32 random bytes, written
//! as 52 characters of lower-case base32 in four-character groups separated
//! by hyphens, so it reads aloud and survives being copied from a message.
//! Only its SHA-256 is kept by the relay.

use data_encoding::BASE32_DNSSEC;

/// Why a typed token is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("a registration token is 52 letters and digits (in groups, with hyphens); this one has {0}")]
    Length(usize),
    #[error("a registration token has only the letters a–v and digits; \"{0}\" is not one of them")]
    Character(char),
}

/// The token as the operator hands it out: `abcd-efgh-…` (64 characters).
pub fn format(token: &[u8; 32]) -> String {
    let plain = BASE32_DNSSEC.encode(token);
    let groups: Vec<&str> = plain
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
        .collect();
    groups.join("-")
}

/// Reads a typed or pasted token: case, spaces and hyphens do not matter.
pub fn parse(text: &str) -> Result<[u8; 32], TokenError> {
    let plain: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if let Some(bad) = plain.chars().find(|c| !matches!(c, 'a'..='v' | '0'..='9')) {
        return Err(TokenError::Character(bad));
    }
    let bytes = BASE32_DNSSEC
        .decode(plain.as_bytes())
        .map_err(|_| TokenError::Length(plain.len()))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| TokenError::Length(plain.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_however_it_is_typed() {
        let token: [u8; 32] = std::array::from_fn(|i| (i * 37 + 5) as u8);
        let text = format(&token);
        assert_eq!(text.len(), 52 + 12);
        assert!(text.split('-').all(|g| g.len() == 4), "{text}");
        assert_eq!(parse(&text).unwrap(), token);
        assert_eq!(parse(&text.to_uppercase()).unwrap(), token);
        assert_eq!(parse(&format!("  {}\n", text.replace('-', " "))).unwrap(), token);
    }

    #[test]
    fn a_damaged_token_is_refused_with_the_reason() {
        let text = format(&[9; 32]);
        assert_eq!(parse(&text[..text.len() - 2]), Err(TokenError::Length(50)));
        assert_eq!(parse(&format!("z{}", &text[1..])), Err(TokenError::Character('z')));
        assert_eq!(parse(""), Err(TokenError::Length(0)));
    }
}
