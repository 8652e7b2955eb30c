//! Records for other tools: xAPI statements (pure; the store gathers their facts), and sending them to a Learning
//! Record Store (`lrs`).

pub(crate) mod lrs;
pub(crate) mod xapi;
