//! Percent-encoding, through the `percent-encoding` crate, with the sets morsel writes: an IRI segment, a `file:`
//! URI path, a Markdown link target. Decoding is `pack::percent_decoded`.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986's unreserved characters kept (letters, digits, `-._~`), every other byte encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// As [`UNRESERVED`], with `/` kept between the segments of a path.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');
/// What would end or break a Markdown link target: controls, space, `()<>\`.
const LINK: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>')
    .add(b'\\');

/// An IRI segment: ASCII letters, digits and `-._~` kept, everything else percent-encoded (`a b/é` is `a%20b%2F%C3%A9`).
pub(crate) fn segment(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A path's bytes for a `file:` URI: as [`segment`], with `/` kept.
pub(crate) fn path_bytes(bytes: &[u8]) -> String {
    percent_encoding::percent_encode(bytes, PATH).to_string()
}

/// A link target as written in Markdown: bytes that would end or break it (and any outside ASCII) percent-encoded.
pub(crate) fn link_target(target: &str) -> String {
    utf8_percent_encode(target, LINK).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_set_keeps_what_it_should() {
        assert_eq!(segment("a b/é-._~"), "a%20b%2F%C3%A9-._~");
        assert_eq!(path_bytes(b"/tmp/my db/x.db"), "/tmp/my%20db/x.db");
        assert_eq!(
            link_target("my (1) <a>.md\t"),
            "my%20%281%29%20%3Ca%3E.md%09"
        );
        assert_eq!(link_target("notes/é.md"), "notes/%C3%A9.md");
    }
}
