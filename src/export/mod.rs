//! Records for other tools: xAPI statements (pure; the store gathers their facts), sending them to a Learning
//! Record Store (`lrs`), and reading a team's statements back into outcomes (`team`, pure).

pub(crate) mod lrs;
pub(crate) mod team;
pub(crate) mod xapi;
