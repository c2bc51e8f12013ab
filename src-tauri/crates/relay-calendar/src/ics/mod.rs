//! The iCalendar text format: content lines ([`lexer`]), values ([`value`]), the parsed model
//! ([`model`]), the parser ([`parse`]) and its property readers ([`properties`]).

pub(crate) mod lexer;
pub(crate) mod model;
pub(crate) mod parse;
pub(crate) mod properties;
pub(crate) mod value;
