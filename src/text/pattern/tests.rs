use super::*;

fn grep_e(pattern: &str, line: &str) -> bool {
    compile(pattern, Flavour::GrepE)
        .unwrap_or_else(|e| panic!("{e}"))
        .is_match(line)
}

#[test]
fn gnu_intervals_and_stray_braces() {
    assert!(grep_e("colou{,1}r", "color") && grep_e("colou{,1}r", "colour"));
    assert!(!grep_e("colou{,1}r", "colouur"));
    assert!(grep_e("a{2}", "aa") && !grep_e("^a{2}$", "aaa"));
    assert!(grep_e("a{2,}", "aaa") && grep_e("^a{,}$", ""));
    // Not an interval: literal, as GNU grep reads it.
    for (pattern, line) in [
        ("a{", "a{"),
        ("a{x}", "a{x}"),
        ("a{1,2", "a{1,2"),
        ("a}", "a}"),
        ("a]", "a]"),
    ] {
        assert!(grep_e(pattern, line), "{pattern}");
    }
    assert!(matches!(
        compile("a{2,1}", Flavour::GrepE),
        Err(PatternError::Invalid { .. })
    ));
}

#[test]
fn escapes_follow_gnu_not_rust() {
    // `\d` is a stray backslash before `d` in ERE: the letter d, not a digit.
    assert!(grep_e("3\\d14", "3d14") && !grep_e("3\\d14", "3014"));
    assert!(grep_e("\\bcat\\b", "a cat here") && !grep_e("\\bcat\\b", "concatenate"));
    assert!(grep_e("\\<cat\\>", "a cat") && !grep_e("\\<cat", "concat"));
    assert!(grep_e("3\\.14", "3.14") && !grep_e("3\\.14", "3x14"));
    assert!(grep_e("\\w+", "abc") && grep_e("\\s", "a b"));
    assert!(matches!(
        compile("(a)\\1", Flavour::GrepE),
        Err(PatternError::Backreference { digit: '1', .. })
    ));
    assert!(compile("a\\", Flavour::GrepE).is_err());
}

#[test]
fn brackets_take_backslashes_and_posix_classes() {
    assert!(grep_e("[\\d]", "\\") && grep_e("[\\d]", "d") && !grep_e("[\\d]", "5"));
    assert!(grep_e("[[:digit:]]", "5") && !grep_e("[[:digit:]]", "x"));
    assert!(grep_e("[]a]", "]") && grep_e("[^]a]", "b") && !grep_e("^[^]a]$", "]"));
    assert!(grep_e("[a-c]", "b") && grep_e("[a-]", "-") && !grep_e("[a-c]", "d"));
    assert!(grep_e("3[.]14", "3.14") && !grep_e("3[.]14", "3x14"));
    assert!(grep_e("[&~]", "&") && grep_e("[[=e=]]", "e"));
    assert!(compile("[abc", Flavour::GrepE).is_err());
}

#[test]
fn a_leading_quantifier_is_ignored_as_gnu_does() {
    assert!(grep_e("*a", "a") && grep_e("(?:a)", ":a") && grep_e("x|+a", "a"));
}

#[test]
fn rg_is_the_regex_crates_syntax() {
    let rg = |p: &str, l: &str| compile(p, Flavour::Rg).unwrap().is_match(l);
    assert!(rg("\\d+", "42") && rg("(?:a)", "a"));
    assert!(compile("a{", Flavour::Rg).is_err());
}

#[test]
fn quotes_around_a_pattern_are_dropped() {
    assert_eq!(unquote(" '3\\.14' "), "3\\.14");
    assert_eq!(unquote("\"a b\""), "a b");
    assert_eq!(unquote("'a\""), "'a\"");
    assert_eq!(unquote("'"), "'");
}

#[test]
fn behaviour_names_the_first_line_that_fails() {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (matches, rejects) = (lines(&["color", "colour"]), lines(&["colouur"]));
    let fares = |p: &str| behaviour(p, Flavour::GrepE, &matches, &rejects).unwrap();
    assert_eq!(fares("colou?r"), Behaviour::Right);
    assert_eq!(fares("colour"), Behaviour::Misses("color".into()));
    assert_eq!(fares("colou*r"), Behaviour::Takes("colouur".into()));
}

#[test]
fn errors_are_one_line() {
    let Err(e) = compile("a(", Flavour::GrepE) else {
        panic!("invalid")
    };
    assert!(!e.to_string().contains('\n'), "{e}");
    assert!(
        e.to_string()
            .starts_with("`a(` is not a valid grep -E pattern: "),
        "{e}"
    );
}
