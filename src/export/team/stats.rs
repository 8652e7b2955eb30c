//! The few statistics `team` reports: the median, and the point-biserial correlation of an item's right/wrong
//! against a score (an item's discrimination).

/// The median of `values` (the mean of the middle two for an even count), or `None` for none. Sorts `values`.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}

/// The point-biserial correlation between `right` (each learner's first try at an item) and `score` (the same
/// learner's score on the rest of the lesson): `(M1 - M0) / s * sqrt(p q)`, with `s` the population standard
/// deviation of every score, `M1`/`M0` the mean score of those right/wrong and `p`/`q` their shares. `None` when it
/// is undefined: fewer than two learners, everyone right or everyone wrong, or every score the same.
pub(crate) fn point_biserial(pairs: &[(bool, f64)]) -> Option<f64> {
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let count = n as f64;
    let (mut n1, mut sum1, mut sum0) = (0usize, 0.0, 0.0);
    for &(right, score) in pairs {
        if right {
            n1 += 1;
            sum1 += score;
        } else {
            sum0 += score;
        }
    }
    let n0 = n - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let mean = (sum1 + sum0) / count;
    let variance = pairs
        .iter()
        .map(|&(_, s)| (s - mean) * (s - mean))
        .sum::<f64>()
        / count;
    if variance <= f64::EPSILON {
        return None;
    }
    let (m1, m0) = (sum1 / n1 as f64, sum0 / n0 as f64);
    let (p, q) = (n1 as f64 / count, n0 as f64 / count);
    Some((m1 - m0) / variance.sqrt() * (p * q).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    /// By hand: scores 0.8 and 0.6 right, 0.4 and 0.2 wrong. M1 = 0.7, M0 = 0.3, the mean 0.5, the population
    /// variance (0.09 + 0.01 + 0.01 + 0.09) / 4 = 0.05, s = 0.2236; p = q = 0.5, so sqrt(pq) = 0.5; and
    /// r = 0.4 / 0.2236 * 0.5 = 2 / sqrt(5) = 0.8944.
    #[test]
    fn point_biserial_of_a_small_example_computed_by_hand() {
        let pairs = [(true, 0.8), (true, 0.6), (false, 0.4), (false, 0.2)];
        let r = point_biserial(&pairs).unwrap();
        assert!((r - 2.0 / 5f64.sqrt()).abs() < 1e-9, "{r}");
        // The strong learner wrong and the weak one right: the sign turns.
        let pairs = [(false, 0.8), (true, 0.6), (false, 0.4), (true, 0.2)];
        let r = point_biserial(&pairs).unwrap();
        // M1 = 0.4, M0 = 0.6: r = -0.2 / 0.2236 * 0.5 = -0.4472.
        assert!((r + 1.0 / 5f64.sqrt()).abs() < 1e-9, "{r}");
    }

    #[test]
    fn point_biserial_is_undefined_without_both_groups_or_spread() {
        assert_eq!(point_biserial(&[(true, 1.0)]), None);
        assert_eq!(point_biserial(&[(true, 1.0), (true, 0.0)]), None);
        assert_eq!(point_biserial(&[(true, 0.5), (false, 0.5)]), None);
    }
}
