//! Records for other tools: xAPI statements (pure; the store gathers their facts, `commands` sends them).

pub(crate) mod team;
pub(crate) mod xapi;
