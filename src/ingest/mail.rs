//! E-mail: one message (`.eml`), or a mailbox of them (`.mbox`).

use super::bundle::Refusal;
use super::{Block, Metadata, SkipReason};

/// A message read: its metadata (`Subject` the title, `Date` the date,
/// `From` the author), the blocks of its body, and its attachments.
#[derive(Debug, Clone)]
pub struct Message {
    /// Title, date, author, language.
    pub meta: Metadata,
    /// The body: the plain-text alternative, else the HTML one.
    pub blocks: Vec<Block>,
    /// Attachments, in order; a forwarded message is one, named `*.eml`.
    pub attachments: Vec<Attachment>,
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its file name, as the message gives it.
    pub name: String,
    /// Its bytes, transfer encoding undone.
    pub bytes: Vec<u8>,
}

/// Reads one message, or says why it cannot be read.
pub fn read_message(bytes: &[u8]) -> Result<Message, Refusal> {
    let _ = bytes;
    Err((SkipReason::Malformed, "e-mail is not read yet".to_string()))
}

/// The messages of an mbox mailbox, in order.
pub fn mbox_messages(bytes: &[u8]) -> Vec<&[u8]> {
    let _ = bytes;
    Vec::new()
}
