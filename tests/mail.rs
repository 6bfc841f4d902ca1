//! E-mail: `.eml` messages and `.mbox` mailboxes read by the real binary,
//! each message a document with its subject, date and sender, each
//! attachment a document of its own.

mod common;

use common::*;
use serde_json::{Value, json};

/// A plain-text message with these headers and body.
fn message(subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: \"Ana Ruiz\" <ana@example.org>\n\
         To: archive@example.org\n\
         Subject: {subject}\n\
         Date: {date}\n\
         Message-ID: <{}@example.org>\n\
         \n\
         {body}\n",
        subject.len()
    )
}

/// The one hit of `query`, asserting there is exactly one passage.
fn only_hit(fixture: &Fixture, query: &str) -> Value {
    let (code, result) = fixture.search(query, &[]);
    assert_eq!(code, 0, "{query:?} found nothing: {result}");
    assert_eq!(result["total"], 1, "{result}");
    hits(&result)[0].clone()
}

#[test]
fn a_message_has_its_subject_date_and_sender() {
    let fixture = Fixture::new();
    fixture.file(
        "mail/meeting.eml",
        "From: =?UTF-8?Q?Mar=C3=ADa_P=C3=A9rez?= <maria@example.org>\n\
         To: archive@example.org\n\
         Subject: =?UTF-8?Q?Reuni=C3=B3n_en_Bogot=C3=A1?=\n\
         Date: Sat, 27 Sep 2025 23:30:00 -0500\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=ISO-8859-1\n\
         Content-Transfer-Encoding: quoted-printable\n\
         \n\
         La reuni=F3n con los veteranos fue en el cuartel.\n",
    );
    let hit = only_hit(&fixture, "veteranos");
    assert_eq!(hit["source"], "mail/meeting.eml");
    assert_eq!(hit["title"], "Reunión en Bogotá");
    assert_eq!(hit["date"], "2025-09-27");
    assert_eq!(hit["date_origin"], "metadata");
    assert_eq!(hit["author"], "María Pérez <maria@example.org>");
    assert_eq!(
        hit["text"],
        "La reunión con los veteranos fue en el cuartel."
    );
    assert!(hit["entry"].is_null(), "{hit}");
    assert!(hit["record"].is_null(), "{hit}");
    // A citation names the sender first, by name.
    let (_, result) = fixture.search("veteranos", &["--cite"]);
    assert_eq!(
        hits(&result)[0]["citation"]
            .as_str()
            .and_then(|citation| citation.split(" ¶").next()),
        Some("María Pérez. “Reunión en Bogotá.” 2025-09-27."),
        "{result}"
    );
}

#[test]
fn a_quoted_paragraph_is_cited_under_whom_it_quotes() {
    let fixture = Fixture::new();
    fixture.file(
        "mail/reply.eml",
        message(
            "Re: tratado",
            "Tue, 6 May 2025 09:00:00 -0500",
            "De acuerdo.\n\nOn Mon, 5 May 2025, Luis Mora <luis@example.org> wrote:\n\
             > El tratado se firmó en Lima.\n\nNos vemos el jueves.",
        ),
    );
    let (_, result) = fixture.search("tratado lima", &["--cite"]);
    let quoted = &hits(&result)[0];
    let attribution = "On Mon, 5 May 2025, Luis Mora <luis@example.org> wrote";
    assert_eq!(quoted["section"], format!("{attribution}:"), "{quoted}");
    assert_eq!(quoted["author"], "Ana Ruiz <ana@example.org>");
    assert!(
        quoted["citation"]
            .as_str()
            .is_some_and(|citation| citation.contains(&format!("§ {attribution}, ¶ 3."))),
        "{quoted}"
    );
    let own = only_hit(&fixture, "jueves");
    assert!(own["section"].is_null(), "{own}");
}

#[test]
fn a_paragraph_sent_as_text_and_html_is_one_passage() {
    let fixture = Fixture::new();
    fixture.file(
        "both.eml",
        "From: ana@example.org\n\
         Subject: Minutes\n\
         Date: Mon, 5 May 2024 10:00:00 +0000\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/alternative; boundary=\"alt\"\n\
         \n\
         --alt\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         The demobilisation committee met on Monday.\n\
         \n\
         --alt\n\
         Content-Type: text/html; charset=utf-8\n\
         \n\
         <html><body><p>The <b>demobilisation</b> committee met on Monday.</p></body></html>\n\
         --alt--\n",
    );
    let hit = only_hit(&fixture, "demobilisation");
    assert_eq!(hit["text"], "The demobilisation committee met on Monday.");
}

#[test]
fn an_html_only_message_is_read_as_html() {
    let fixture = Fixture::new();
    fixture.file(
        "newsletter.eml",
        "From: news@example.org\n\
         Subject: Weekly digest\n\
         Content-Type: text/html; charset=utf-8\n\
         \n\
         <html><body><h2>Land restitution</h2><p>Claims in Urab&aacute; doubled.</p></body></html>\n",
    );
    let hit = only_hit(&fixture, "claims");
    assert_eq!(hit["text"], "Claims in Urabá doubled.");
    assert_eq!(hit["section"], "Land restitution");
}

#[test]
fn a_web_page_saved_as_mhtml_is_read_as_the_page() {
    // As Internet Explorer saved a ministry's bulletin: the message's Date
    // is the day it was saved and its From the browser; the page, in
    // quoted-printable Windows-1252, has its own title and date.
    let fixture = Fixture::new();
    let page = "From: <Saved by Windows Internet Explorer 8>\r\n\
         Subject: =?windows-1252?Q?Bolet=EDn_045?=\r\n\
         Date: Tue, 9 Jun 2009 10:00:00 -0500\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/related; type=\"text/html\"; boundary=\"----=_NextPart_000\"\r\n\
         \r\n\
         ------=_NextPart_000\r\n\
         Content-Type: text/html; charset=\"windows-1252\"\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         Content-Location: http://www.mindefensa.gov.co/boletin-045.html\r\n\
         \r\n\
         <html><head><title>Tierras para 120 familias</title>\r\n\
         <meta name=3D\"date\" content=3D\"2008-03-12\"></head>\r\n\
         <body><p>El Ministerio entreg=F3 tierras a 120 familias desplazadas de Montes =\r\n\
         de Mar=EDa.</p></body></html>\r\n\
         ------=_NextPart_000\r\n\
         Content-Type: image/gif\r\n\
         Content-Transfer-Encoding: base64\r\n\
         Content-Location: http://www.mindefensa.gov.co/logo.gif\r\n\
         \r\n\
         R0lGODlhAQABAAAAACw=\r\n\
         ------=_NextPart_000--\r\n";
    fixture.file("boletines/045.mht", page);
    let hit = only_hit(&fixture, "entrego");
    assert_eq!(
        hit["text"],
        "El Ministerio entregó tierras a 120 familias desplazadas de Montes de María."
    );
    assert_eq!(hit["title"], "Tierras para 120 familias");
    assert_eq!(hit["date"], "2008-03-12");
    assert_eq!(hit["url"], "http://www.mindefensa.gov.co/boletin-045.html");
    assert_eq!(hit["author"], Value::Null);
    assert_eq!(fixture.search("format:mhtml", &[]).1["total"], 1);
    // Without a title of its own, the page takes the message's Subject; a
    // file that is no MIME message is a warning, and the rest is indexed.
    fixture.file(
        "untitled.mhtml",
        page.replace("<title>Tierras para 120 familias</title>", ""),
    );
    fixture.file("broken.mht", "<html><body><p>not MIME</p></body></html>");
    let report = fixture.index_report(&[]);
    assert!(
        report["warnings"].to_string().contains("broken.mht"),
        "{report}"
    );
    let (_, result) = fixture.search("entrego", &["--no-collapse"]);
    let titles: Vec<&Value> = hits(&result).iter().map(|hit| &hit["title"]).collect();
    assert!(titles.contains(&&json!("Boletín 045")), "{result}");
    // A frameset's text is in its frames; a Word memo's location is a file
    // on the machine that saved it, no URL.
    fixture.file(
        "frames.mht",
        page.replace(
            "<body><p>El Ministerio",
            "<frameset><frame src=3D\"m.htm\"><frame src=3D\"b.htm\"></frameset>\r\n\
                 <noframes><p>Esta p=E1gina usa marcos.</p></noframes>\r\n\
                 ------=_NextPart_000\r\n\
                 Content-Type: text/html\r\n\
                 \r\n\
                 <html><body><p><a href=3D\"/\">Inicio</a> <a href=3D\"/b\">Boletines</a> \
                 <a href=3D\"/n\">Normatividad, decretos, resoluciones y circulares del \
                 Ministerio desde 1990</a> <a href=3D\"/c\">Contratación, convocatorias, \
                 licitaciones y procesos de selección abiertos</a></p></body></html>\r\n\
                 ------=_NextPart_000\r\n\
                 Content-Type: text/html; charset=\"windows-1252\"\r\n\
                 Content-Transfer-Encoding: quoted-printable\r\n\
                 \r\n\
                 <html><body><p>La Unidad para las V=EDctimas inscribi=F3 a las familias.</p>\r\n\
                 <p>El Ministerio",
        )
        .replace(
            "http://www.mindefensa.gov.co/boletin-045.html",
            "file:///C:/8F3A1B2C/memorando.htm",
        ),
    );
    fixture.index_report(&[]);
    let hit = only_hit(&fixture, "inscribio");
    assert_eq!(hit["source"], "frames.mht");
    assert_eq!(hit["url"], Value::Null);
    for menu_or_notice in ["boletines", "marcos"] {
        assert_eq!(fixture.search(menu_or_notice, &[]).1["total"], 0);
    }
}

#[test]
fn a_memo_word_saved_as_a_web_archive_is_its_authors_of_the_day_written() {
    // Word's "Single File Web Page": the author and the day the memo was
    // written are only in the document properties of a conditional comment.
    let fixture = Fixture::new();
    fixture.file(
        "memos/lazo.mht",
        "MIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"----=_NextPart_01D\"\r\n\
         \r\n\
         ------=_NextPart_01D\r\n\
         Content-Location: file:///C:/3F2A/memo.htm\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\
         Content-Type: text/html; charset=\"windows-1252\"\r\n\
         \r\n\
         <html xmlns:o=3D\"urn:schemas-microsoft-com:office:office\">\r\n\
         <head><meta name=3DGenerator content=3D\"Microsoft Word 11\">\r\n\
         <title>Memorando</title>\r\n\
         <!--[if gte mso 9]><xml>\r\n\
          <o:DocumentProperties>\r\n\
           <o:Author>Mar=EDa P=E9rez</o:Author>\r\n\
           <o:LastAuthor>Usuario de Windows</o:LastAuthor>\r\n\
           <o:Created>1962-05-14T09:12:00Z</o:Created>\r\n\
           <o:LastSaved>2004-01-02T10:00:00Z</o:LastSaved>\r\n\
          </o:DocumentProperties>\r\n\
         </xml><![endif]--></head>\r\n\
         <body><p class=3DMsoNormal>El Plan LAZO se discuti=F3 en la reuni=F3n.</p></body></html>\r\n\
         ------=_NextPart_01D--\r\n",
    );
    let hit = only_hit(&fixture, "\"plan lazo\"");
    assert_eq!(hit["author"], "María Pérez");
    assert_eq!(hit["date"], "1962-05-14");
    assert_eq!(hit["date_origin"], "metadata");
    assert_eq!(hit["title"], "Memorando");
    assert_eq!(fixture.search("author:perez", &[]).1["total"], 1);
    // Word's creation date is when the file was made: a press dateline
    // typed in the story dates it, as in a Word file.
    fixture.file(
        "memos/cable.htm",
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>\
         <!--[if gte mso 9]><xml><o:DocumentProperties><o:Created>1995-01-10T08:00:00Z</o:Created>\
         </o:DocumentProperties></xml><![endif]--></head><body>\
         <p class=MsoNormal>BOGOTÁ, 12 de marzo de 1998 (AP) — El Gobierno anunció el cierre de la base de Tolemaida.</p>\
         </body></html>",
    );
    // And a memo's header block titles and dates it, as in a Word file.
    fixture.file(
        "memos/memo.htm",
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><title>Memorando</title>\
         <!--[if gte mso 9]><xml><o:DocumentProperties><o:Created>1995-01-10T08:00:00Z</o:Created>\
         </o:DocumentProperties></xml><![endif]--></head><body>\
         <p class=MsoNormal>MEMORANDO</p><p class=MsoNormal>Para: Director</p>\
         <p class=MsoNormal>Fecha: 12 de marzo de 1998</p>\
         <p class=MsoNormal>Asunto: Cierre de la base de Palanquero</p>\
         <p class=MsoNormal>Se ordena el cierre temporal de la base de Palanquero por obras.</p>\
         </body></html>",
    );
    fixture.index();
    let hit = only_hit(&fixture, "Tolemaida");
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1998-03-12"), &json!("text")),
        "{hit}"
    );
    let hit = only_hit(&fixture, "\"cierre temporal\"");
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1998-03-12"), &json!("text")),
        "{hit}"
    );
}

#[test]
fn an_attachment_is_a_document_dated_and_authored_like_its_message() {
    let fixture = Fixture::new();
    // "The veteran recalled the counterinsurgency operation.\n" in base64.
    fixture.file(
        "with-notes.eml",
        "From: Ana Ruiz <ana@example.org>\n\
         Subject: Notes from the interview\n\
         Date: Tue, 14 May 2024 09:12:00 +0200\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"mix\"\n\
         \n\
         --mix\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         Attached are my notes.\n\
         --mix\n\
         Content-Type: text/plain; charset=utf-8; name=\"interview-notes.txt\"\n\
         Content-Disposition: attachment; filename=\"interview-notes.txt\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         VGhlIHZldGVyYW4gcmVjYWxsZWQgdGhlIGNvdW50ZXJpbnN1cmdlbmN5IG9wZXJhdGlvbi4K\n\
         --mix\n\
         Content-Type: text/plain; charset=utf-8; name=\".notas.txt\"\n\
         Content-Disposition: attachment; filename=\".notas.txt\"\n\
         \n\
         The dotted file mentions Marquetalia.\n\
         --mix--\n",
    );
    // Unlike a ZIP's hidden entries, an attachment whose name starts with
    // a dot is read: its sender named it, and a mail reader shows it.
    assert_eq!(only_hit(&fixture, "Marquetalia")["entry"], ".notas.txt");
    let hit = only_hit(&fixture, "counterinsurgency");
    assert_eq!(hit["source"], "with-notes.eml");
    assert_eq!(hit["entry"], "interview-notes.txt");
    assert_eq!(
        hit["text"],
        "The veteran recalled the counterinsurgency operation."
    );
    assert_eq!(hit["date"], "2024-05-14");
    // Naming no author of its own, it is its sender's: the sender's filter
    // keeps all they sent.
    assert_eq!(hit["author"], "Ana Ruiz <ana@example.org>");
    // The message itself is a document too, without an entry.
    let message = only_hit(&fixture, "attached");
    assert!(message["entry"].is_null(), "{message}");
    assert_eq!(message["title"], "Notes from the interview");
    let (_, sent) = fixture.search("*", &["--author", "Ana Ruiz <ana@example.org>"]);
    assert_eq!(sent["total"], 3, "{sent}");
}

#[test]
fn a_message_attaches_at_most_max_entries_files_and_exclude_reads_their_own_names() {
    let fixture = Fixture::new();
    let mut mail = String::from(
        "From: a@example.org\nSubject: Many notes\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\n\
         Content-Type: text/plain\n\nSee the notes.\n",
    );
    for n in 0..5 {
        // Two of each name: the second is entry `notes-N.txt (2)`.
        for copy in ["first", "second"] {
            mail += &format!(
                "--mix\nContent-Type: text/plain; name=\"notes-{n}.txt\"\n\
                 Content-Disposition: attachment; filename=\"notes-{n}.txt\"\n\n\
                 The {copy} note {n} about Riochiquito.\n"
            );
        }
    }
    mail += "--mix--\n";
    fixture.file("many.eml", mail);
    assert_eq!(fixture.search("riochiquito", &[]).1["total"], 10);
    let report = fixture.index_report(&["--rebuild", "--max-entries", "3"]);
    assert_eq!(
        report["documents"], 4,
        "the message and 3 attachments: {report}"
    );
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("--max-entries")),
        "{report}"
    );
    let report = fixture.index_report(&["--rebuild", "--exclude", "notes-1.txt"]);
    assert_eq!(
        report["documents"], 9,
        "both notes-1.txt left out: {report}"
    );
}

#[test]
fn a_forwarded_message_is_read_as_an_email() {
    let fixture = Fixture::new();
    fixture.file(
        "forward.eml",
        "From: ana@example.org\n\
         Subject: Fwd: Field report\n\
         Date: Wed, 15 May 2024 08:00:00 +0000\n\
         Content-Type: multipart/mixed; boundary=\"mix\"\n\
         \n\
         --mix\n\
         Content-Type: text/plain\n\
         \n\
         See below.\n\
         --mix\n\
         Content-Type: message/rfc822\n\
         \n\
         From: Luis Gómez <luis@example.org>\n\
         Subject: Field report\n\
         Date: Fri, 3 May 2024 17:00:00 -0500\n\
         Content-Type: multipart/mixed; boundary=\"inner\"\n\
         \n\
         --inner\n\
         Content-Type: text/plain\n\
         \n\
         The checkpoint near Tumaco was dismantled.\n\
         --inner\n\
         Content-Type: text/plain; name=\"annex.txt\"\n\
         Content-Disposition: attachment; filename=\"annex.txt\"\n\
         \n\
         Annex: the list of roadblocks on the coast.\n\
         --inner--\n\
         --mix--\n",
    );
    let hit = only_hit(&fixture, "checkpoint");
    assert_eq!(hit["entry"], "Field report.eml");
    assert_eq!(hit["title"], "Field report");
    assert_eq!(hit["author"], "Luis Gómez <luis@example.org>");
    // A forwarded message keeps the date it was written on (other
    // attachments are dated like the message they came in).
    assert_eq!(hit["date"], "2024-05-03");
    // Its attachment is dated like it, not like the message forwarding it.
    let annex = only_hit(&fixture, "roadblocks");
    assert_eq!(annex["entry"], "Field report.eml › annex.txt");
    assert_eq!(annex["date"], "2024-05-03");
}

#[test]
fn each_message_of_a_mailbox_is_a_document_with_its_position() {
    let fixture = Fixture::new();
    let mut mbox = String::new();
    for (day, word) in [(1, "alpha"), (2, "bravo"), (3, "charlie")] {
        mbox.push_str(&format!(
            "From ana@example.org Mon Jun  {day} 10:00:00 2024\n{}\n",
            message(
                &format!("Message {word}"),
                &format!("{day} Jun 2024 10:00:00 +0000"),
                &format!("Codeword {word} in the body.\n>From the field, {word}."),
            )
        ));
    }
    fixture.file("archive.mbox", mbox.replace('\n', "\r\n"));
    let report = fixture.index_report(&[]);
    assert_eq!(report["files"], json!({"mbox": 1}), "{report}");
    assert_eq!(report["documents"], 3, "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    for (record, word) in [(1, "alpha"), (2, "bravo"), (3, "charlie")] {
        let hit = only_hit(&fixture, word);
        assert_eq!(hit["source"], "archive.mbox");
        assert_eq!(hit["record"], record, "{hit}");
        assert_eq!(hit["title"], format!("Message {word}"));
        assert_eq!(hit["date"], format!("2024-06-0{record}"));
        assert_eq!(hit["author"], "Ana Ruiz <ana@example.org>");
        // `>From ` is un-escaped, and the CRLF gone.
        assert_eq!(
            hit["text"],
            format!("Codeword {word} in the body. From the field, {word}.")
        );
    }
}

/// A message a Windows program saved as "Unicode" (UTF-16 with its
/// byte-order mark) and a mailbox with a UTF-8 one are read as any other
/// (they were "not an e-mail message").
#[test]
fn mail_saved_in_utf16_or_with_a_byte_order_mark_is_read() {
    let fixture = Fixture::new();
    let text = message(
        "Informe de campaña",
        "Tue, 4 Jun 2019 10:00:00 -0500",
        "El Plan LAZO fue revisado en Bogotá.",
    )
    .replace('\n', "\r\n");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    fixture.file("saved.eml", utf16);
    let mbox = format!(
        "From ana@example.org Mon Jun  3 10:00:00 2024\n{}",
        message("Acta", "3 Jun 2024 10:00:00 +0000", "Acta de la comisión.")
    );
    fixture.file(
        "box.mbox",
        [b"\xEF\xBB\xBF".as_slice(), mbox.as_bytes()].concat(),
    );
    let report = fixture.index_report(&[]);
    assert_eq!(report["documents"], 2, "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    let hit = only_hit(&fixture, "bogota");
    assert_eq!(hit["title"], "Informe de campaña");
    assert_eq!(hit["date"], "2019-06-04");
    assert_eq!(hit["author"], "Ana Ruiz <ana@example.org>");
    assert_eq!(hit["text"], "El Plan LAZO fue revisado en Bogotá.");
    let hit = only_hit(&fixture, "comision");
    assert_eq!(
        (hit["title"].as_str(), hit["record"].as_u64()),
        (Some("Acta"), Some(1))
    );
}

/// A message that has no `Date` header of its own (an export that left it
/// out) is dated by its From_ line, the day the mailbox received it
/// (found by a review: it was undated); one that has a `Date` keeps it.
#[test]
fn a_mailbox_message_without_a_date_is_dated_by_its_from_line() {
    let fixture = Fixture::new();
    fixture.file(
        "takeout.mbox",
        "From ana@example.org Thu Aug 11 09:00:00 +0000 2022\n\
         From: Ana <ana@example.org>\nSubject: Undated\n\nFirstword without a date.\n\n\
         From ana@example.org Fri Aug 12 09:00:00 +0000 2022\n\
         From: Ana <ana@example.org>\nSubject: Dated\nDate: Tue, 2 Aug 2022 10:00:00 +0000\n\n\
         Secondword with its own date.\n",
    );
    assert_eq!(only_hit(&fixture, "firstword")["date"], "2022-08-11");
    assert_eq!(only_hit(&fixture, "secondword")["date"], "2022-08-02");
}

/// A reply's quotation is the paragraph it quotes: one hit with the
/// original, which lists the reply as its copy, rather than a paragraph
/// run into the reply's attribution line and credited to the reply (found
/// by a review: the reply ranked first and counted twice).
#[test]
fn a_quoted_paragraph_is_a_copy_of_the_one_it_quotes() {
    let fixture = Fixture::new();
    let paragraph = "The obsidian treaty was signed in Lima by both delegations.";
    fixture
        .file(
            "original.eml",
            message("Treaty", "Fri, 1 Feb 2019 10:00:00 +0000", paragraph),
        )
        .file(
            "reply.eml",
            message(
                "Re: Treaty",
                "Thu, 1 Sep 2022 10:00:00 +0000",
                &format!("Still true.\nOn Fri, 1 Feb 2019, Ana wrote:\n> {paragraph}\n"),
            ),
        );
    let (_, result) = fixture.search("\"obsidian treaty\"", &[]);
    assert_eq!(
        (&result["total"], &result["distinct"]),
        (&json!(2), &json!(1)),
        "{result}"
    );
    let hit = &hits(&result)[0];
    assert_eq!(hit["text"], paragraph, "{hit}");
    assert_eq!(hit["duplicates_total"], 1, "{hit}");
}

#[test]
fn a_malformed_message_is_a_warning_and_the_rest_is_indexed() {
    let fixture = Fixture::new();
    fixture
        .file(
            "good.eml",
            message(
                "Fine",
                "Mon, 5 May 2024 10:00:00 +0000",
                "Readable lighthouse.",
            ),
        )
        .file(
            "broken.eml",
            "This is not a message at all.\nJust a note saved as .eml.\n",
        );
    let report = fixture.index_report(&[]);
    // `files` counts the files indexed, `files_read` every one looked at.
    assert_eq!(report["files"], json!({"email": 1}), "{report}");
    assert_eq!(report["files_read"], 2, "{report}");
    assert_eq!(report["files_indexed"], 1, "{report}");
    assert_eq!(report["skipped"], json!({"malformed": 1}), "{report}");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "broken.eml");
    assert_eq!(warnings[0]["reason"], "malformed");
    let text = warnings[0]["message"].as_str().unwrap();
    assert!(text.starts_with("not an e-mail message"), "{text}");
    assert_eq!(only_hit(&fixture, "lighthouse")["source"], "good.eml");
}

/// The issue: "a folder with 47 .eml files indexes as if they were not there".
#[test]
fn a_folder_of_47_messages_is_indexed() {
    let fixture = Fixture::new();
    for n in 1..=47 {
        fixture.file(
            &format!("inbox/{n:02}.eml"),
            message(
                &format!("Report {n}"),
                &format!("{} Mar 2023 12:00:00 -0300", n % 28 + 1),
                &format!("Weekly report number w{n} from the regional office."),
            ),
        );
    }
    let report = fixture.index_report(&[]);
    assert_eq!(report["files"], json!({"email": 47}), "{report}");
    assert_eq!(report["files_indexed"], 47, "{report}");
    assert_eq!(report["documents"], 47, "{report}");
    assert_eq!(report["ignored"], json!({}), "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    let (_, result) = fixture.search("regional", &["--all"]);
    assert_eq!(result["total"], 47, "{result}");
    let hit = only_hit(&fixture, "w31");
    assert_eq!(hit["source"], "inbox/31.eml");
    assert_eq!(hit["title"], "Report 31");
    assert_eq!(hit["date"], "2023-03-04");
}

#[test]
fn a_broken_message_in_a_mailbox_is_a_warning_and_the_others_are_read() {
    let fixture = Fixture::new();
    let mbox = format!(
        "From ana@example.org Mon Jun  3 10:00:00 2024\n{}\n\
         From nobody Tue Jun  4 10:00:00 2024\n\
         Not a message, only a line.\n\
         \n\
         From ana@example.org Wed Jun  5 10:00:00 2024\n{}",
        message("First", "3 Jun 2024 10:00:00 +0000", "Quetzal first."),
        message("Third", "5 Jun 2024 10:00:00 +0000", "Quetzal third."),
    );
    fixture.file("box.mbox", mbox);
    let report = fixture.index_report(&[]);
    // The mailbox is read, not skipped for one message.
    assert_eq!(report["files"], json!({"mbox": 1}), "{report}");
    assert_eq!(report["skipped"], json!({}), "{report}");
    assert_eq!(report["documents"], 2, "{report}");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "box.mbox");
    assert!(warnings[0]["reason"].is_null(), "{report}");
    let text = warnings[0]["message"].as_str().unwrap();
    assert!(
        text.contains("message 2") && text.contains("not an e-mail message"),
        "{text}"
    );
    let (_, result) = fixture.search("quetzal", &[]);
    let mut records: Vec<u64> = hits(&result)
        .iter()
        .map(|hit| hit["record"].as_u64().unwrap())
        .collect();
    records.sort();
    assert_eq!(records, [1, 3], "{result}");
}

/// The review's finding: a zone of one or two letters ate the next line,
/// so a Date field last lost the whole body, and one before the Subject
/// lost the title, with no warning.
#[test]
fn a_date_with_an_obsolete_zone_keeps_the_body_and_the_next_field() {
    let fixture = Fixture::new();
    // Of one and two letters, either case (the parser's unit test takes
    // every zone RFC 5322 lists), and one of three.
    let zones = ["UT", "Z", "A", "m", "x", "ut", "GMT"];
    for (newline, name) in [("\n", "lf"), ("\r\n", "crlf")] {
        let mut mbox = String::new();
        for (n, zone) in zones.iter().enumerate() {
            let date = format!("Date: Wed, 5 Jun 2019 08:00:00 {zone}");
            // The Date field last in the files, first in the mailbox.
            let eml = format!(
                "From: a@b.c\nSubject: Message {name} {n}\n{date}\n\nObsbody {name} eml{n}.\n"
            );
            fixture.file(&format!("{name}/{n}.eml"), eml.replace('\n', newline));
            mbox += &format!(
                "From a@b.c Wed Jun  5 08:00:00 2019\nFrom: a@b.c\n{date}\n\
                 Subject: Message {name} {n}\n\nObsbody {name} mbox{n}.\n\n"
            );
        }
        fixture.file(&format!("{name}.mbox"), mbox.replace('\n', newline));
    }
    let report = fixture.index_report(&["--strict"]);
    let messages = zones.len() * 4;
    assert_eq!(report["documents"], messages, "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");

    let (_, result) = fixture.search("obsbody", &["--all", "--no-collapse"]);
    let hits = hits(&result);
    assert_eq!(hits.len(), messages, "{result}");
    for hit in hits {
        let text = hit["text"].as_str().unwrap();
        let (name, place) = text
            .strip_prefix("Obsbody ")
            .and_then(|rest| rest.strip_suffix('.'))
            .and_then(|rest| rest.split_once(' '))
            .unwrap_or_else(|| panic!("{hit}"));
        let n: u64 = place
            .trim_start_matches(char::is_alphabetic)
            .parse()
            .unwrap();
        assert_eq!(hit["title"], format!("Message {name} {n}"), "{hit}");
        assert_eq!(hit["date"], "2019-06-05", "{hit}");
        assert_eq!(hit["date_origin"], "metadata", "{hit}");
        if place.starts_with("mbox") {
            assert_eq!(hit["source"], format!("{name}.mbox"), "{hit}");
            assert_eq!(hit["record"], n + 1, "{hit}");
        } else {
            assert_eq!(hit["source"], format!("{name}/{n}.eml"), "{hit}");
        }
    }
}

#[test]
fn mail_dates_without_seconds_or_in_forms_archives_hold_are_read() {
    let fixture = Fixture::new();
    let forms = [
        "Wed, 5 Jun 2019 08:00 GMT",
        "5 Jun 2019 08:00 +0000",
        "Wed, 5 June 2019 08:00:00 +0000",
        "2019-06-05T08:00:00Z",
        "Wed Jun  5 08:00:00 2019",
        "Wed, 05 Jun 19 08:00:00 -0400",
    ];
    for (n, date) in forms.iter().enumerate() {
        fixture.file(
            &format!("{n}.eml"),
            message(&format!("Form {n}"), date, &format!("Dateform body f{n}.")),
        );
    }
    fixture.file(
        "unreadable.eml",
        message(
            "Unreadable",
            "sometime last week",
            "Dateform body unreadable.",
        ),
    );
    let report = fixture.index_report(&["--strict"]);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "unreadable.eml");
    assert!(warnings[0]["reason"].is_null(), "{report}");
    assert_eq!(
        warnings[0]["message"],
        "its Date header \"sometime last week\" is not a date cita reads; ignored"
    );
    for (n, date) in forms.iter().enumerate() {
        let hit = only_hit(&fixture, &format!("f{n}"));
        assert_eq!(hit["date"], "2019-06-05", "{date}: {hit}");
        assert_eq!(hit["date_origin"], "metadata", "{hit}");
    }
    let unreadable = only_hit(&fixture, "unreadable");
    assert!(unreadable["date"].is_null(), "{unreadable}");
}

/// The review's finding: a paragraph opening with "From " split the
/// message in two; the second half was "not an e-mail message", its text
/// lost and every later message's record one too high.
#[test]
fn a_body_line_starting_with_from_does_not_split_the_mailbox() {
    let mbox = format!(
        "From ana@example.org Mon Jun  3 10:00:00 2024\n{}\n\
         From ana@example.org Tue Jun  4 10:00:00 2024\n{}\n\
         From ana@example.org Wed Jun  5 10:00:00 2024\n{}",
        message(
            "Memo",
            "3 Jun 2024 10:00:00 +0000",
            "The memo follows.\n\n\
             From the desk of the director: budget cuts fromdesk are coming.\n\n\
             >From the archive, quotedline kept."
        ),
        message("Second", "4 Jun 2024 10:00:00 +0000", "Secondword here."),
        message("Third", "5 Jun 2024 10:00:00 +0000", "Thirdword here."),
    );
    for (name, mbox) in [
        ("lf.mbox", mbox.clone()),
        ("crlf.mbox", mbox.replace('\n', "\r\n")),
    ] {
        let fixture = Fixture::new();
        fixture.file(name, mbox);
        let report = fixture.index_report(&["--strict"]);
        assert_eq!(report["documents"], 3, "{report}");
        assert_eq!(report["warnings"], json!([]), "{report}");
        let desk = only_hit(&fixture, "fromdesk");
        assert_eq!(desk["record"], 1, "{desk}");
        assert_eq!(desk["title"], "Memo", "{desk}");
        assert_eq!(
            desk["text"],
            "From the desk of the director: budget cuts fromdesk are coming."
        );
        let quoted = only_hit(&fixture, "quotedline");
        assert_eq!(quoted["text"], "From the archive, quotedline kept.");
        for (record, word) in [(2, "secondword"), (3, "thirdword")] {
            assert_eq!(only_hit(&fixture, word)["record"], record, "{word}");
        }
    }
}

/// The review's finding: since the fix above, a `From ` line separated
/// messages only when it ended in an asctime date, and a mailbox whose
/// From_ lines give the sender alone or an RFC 5322 date (other exporters,
/// archives made by hand) lost messages silently: the next message's
/// header fields became the previous one's text (ten messages, eight
/// records).
#[test]
fn from_lines_without_an_asctime_date_separate_a_mailbox_s_messages() {
    let separators = [
        ("nodate", ["From ana@example.org"; 3]),
        (
            "rfcdate",
            [
                "From ana@example.org Mon, 3 Jun 2024 10:00:00 +0000",
                "From ana@example.org Tue, 4 Jun 2024 10:00:00 +0000",
                "From ana@example.org Wed, 5 Jun 2024 10:00:00 +0000",
            ],
        ),
        (
            "mixed",
            [
                "From ana@example.org Mon, 3 Jun 2024 10:00:00 +0000",
                "From ana@example.org Tue Jun  4 10:00:00 2024",
                "From ana@example.org",
            ],
        ),
    ];
    let fixture = Fixture::new();
    let mut stems = Vec::new();
    for (name, lines) in separators {
        for (stem, newline) in [(name.to_string(), "\n"), (format!("{name}crlf"), "\r\n")] {
            let mut mbox = String::new();
            for (n, line) in (1..).zip(lines) {
                mbox += &format!(
                    "{line}\n{}\n",
                    message(
                        &format!("Message {stem} {n}"),
                        &format!("{} Jun 2024 10:00:00 +0000", n + 2),
                        &format!(
                            "Codeword {stem}x{n} here.\n\n\
                             From the mountains we walked\nto {stem}y{n}."
                        ),
                    )
                );
            }
            fixture.file(&format!("{stem}.mbox"), mbox.replace('\n', newline));
            stems.push(stem);
        }
    }
    fixture
        .file("empty.mbox", "")
        .file("blank.mbox", "\r\n\r\n");
    let report = fixture.index_report(&["--strict"]);
    // Three messages a mailbox; the empty file is an empty document, as an
    // empty file of any format is, and the blank one holds no message.
    assert_eq!(report["documents"], 3 * stems.len() + 1, "{report}");
    assert_eq!(report["files_indexed"], stems.len() + 2, "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    for stem in &stems {
        for n in 1..=3 {
            let hit = only_hit(&fixture, &format!("{stem}x{n}"));
            assert_eq!(hit["source"], format!("{stem}.mbox"), "{hit}");
            assert_eq!(hit["record"], n, "{hit}");
            assert_eq!(hit["title"], format!("Message {stem} {n}"), "{hit}");
            assert_eq!(hit["date"], format!("2024-06-0{}", n + 2), "{hit}");
            assert_eq!(hit["text"], format!("Codeword {stem}x{n} here."), "{hit}");
            let walked = only_hit(&fixture, &format!("{stem}y{n}"));
            assert_eq!(walked["record"], n, "{walked}");
            assert_eq!(
                walked["text"],
                format!("From the mountains we walked to {stem}y{n}."),
                "{walked}"
            );
        }
    }
}
