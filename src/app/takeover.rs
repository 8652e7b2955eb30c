//! Two terminals on one course (`store::claim`): the words both front ends say, so that the full screen and
//! `--plain` ask and tell the same.

use crate::text::sanitize;

/// The question asked when another live player holds the course.
pub(crate) fn question(course_id: &str, holder: &str) -> String {
    format!(
        "{} is open in another terminal ({holder}). Take over here? The other one will stop saving and show why.",
        sanitize(course_id)
    )
}

/// What a player that lost the course says.
pub(crate) const TAKEN_OVER: &str =
    "This course was taken over in another terminal; your progress up to here is saved";
