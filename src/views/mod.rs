//! Research views: what is computed from a search's matches besides the
//! ranked page. Each view is a function of matches the archive has already
//! found (with their keys read from fast fields) or of hits it has loaded;
//! [`Archive`](crate::Archive) runs the search and calls them, and none of
//! them searches or prints.

pub mod batch;
pub mod collapse;
pub(crate) mod facets;
pub(crate) mod group;
pub mod kwic;
pub mod shards;
pub(crate) mod timeline;
