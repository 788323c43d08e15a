//! Bank statements in ISO 20022 camt.053 (bank-to-customer statement), the
//! XML day statement Dutch banks export: every version of
//! `urn:iso:std:iso:20022:tech:xsd:camt.053.001.XX` (read by element names,
//! which stayed the same from .02 to .08 and later, where a party's name
//! moved from `Dbtr/Nm` to `Dbtr/Pty/Nm` and the status into `Sts/Cd`).
//!
//! [`parse`] reads a file into its statements and their booked entries:
//! - one [`Entry`] per `Ntry`; a batch (`NtryDtls` with more than one
//!   `TxDtls`, each with its own amount) gives one per `TxDtls` instead;
//! - an entry whose status is not `BOOK` (pending, information) is left out;
//! - amounts are exact cents from the decimal text, never floats;
//! - [`Entry::key`] is stable across uploads of the same file, for
//!   idempotence: the bank's `AcctSvcrRef`, else `NtryRef`, else a SHA-256
//!   of the statement's id, the entry's position, amount and date; a
//!   batch's parts add `/1`, `/2`, … in their order.
//!
//! What it refuses, and how ([`CamtError`]): more than [`MAX_BYTES`]; a
//! file that does not start like XML; an XML document of another message
//! (named: `pain.001`, `camt.054`, …); a DOCTYPE (no entity can be declared,
//! so none can be expanded), an unknown entity, broken XML, or a statement
//! that breaks the standard where it matters (an amount with sub-cent
//! digits, no currency, no direction, no date).

use chrono::NaiveDate;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::crypto::sha256_hex;
use crate::error::ErrorCode;

/// The largest file [`parse`] reads (10 MiB); callers refuse a larger
/// upload before reading it whole.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// How deep elements may nest (a camt.053 needs about 12).
const MAX_DEPTH: usize = 64;

/// The namespace of every ISO 20022 message, before its name and version.
const ISO_20022: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// What banks write where a reference is required but there is none.
const NO_REFERENCE: &[&str] = &["NOTPROVIDED", "NONREF"];

/// One booked movement on the account (or one part of a batch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable id for idempotence: `AcctSvcrRef`, else `NtryRef`, else a
    /// SHA-256 (hex) of the statement id, the entry's position, amount and
    /// date; a batch's parts add `/1`, `/2`, ….
    pub key: String,
    /// `BookgDt` (its date when a date and time), else `ValDt`.
    pub booking_date: NaiveDate,
    /// Always positive; the direction is [`Entry::credit`].
    pub amount_cents: i64,
    /// ISO 4217, from the amount's `Ccy`.
    pub currency: String,
    /// `CdtDbtInd` is `CRDT`: money came in.
    pub credit: bool,
    /// `RvslInd`: the bank reverses an earlier entry.
    pub reversal: bool,
    /// Every `Ustrd`, and every `CdtrRefInf/Ref` (where RF references are),
    /// in document order.
    pub remittance: Vec<String>,
    /// The payer's name (`Dbtr/Nm`, `Dbtr/Pty/Nm`) of a credit, the payee's
    /// (`Cdtr`) of a debit; of a reversal, the other side's of the payment
    /// it reverses (the payer's when a credit is sent back).
    pub counterparty: Option<String>,
    /// `Refs/EndToEndId`, unless `NOTPROVIDED`.
    pub end_to_end_id: Option<String>,
}

/// One `Stmt`: an account's statement for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// `Stmt/Id`.
    pub id: String,
    /// `Stmt/Acct/Id/IBAN`, as written.
    pub account_iban: Option<String>,
    /// The booked entries, in document order.
    pub entries: Vec<Entry>,
}

/// Why a file is not a statement we can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CamtError {
    #[error("not XML")]
    NotXml,
    /// An XML document of another kind: the ISO 20022 message it is
    /// (`pain.001`, `camt.054`), else its namespace, else its root element.
    #[error("not a camt.053 statement but {found}")]
    NotCamt053 { found: String },
    #[error("larger than {MAX_BYTES} bytes")]
    TooLarge,
    /// What is wrong, for the log (in English, not for the screen).
    #[error("malformed camt.053: {0}")]
    Malformed(String),
}

impl From<CamtError> for ErrorCode {
    fn from(e: CamtError) -> Self {
        match e {
            CamtError::NotXml => ErrorCode::CamtNotXml,
            CamtError::NotCamt053 { found } => ErrorCode::CamtWrongMessage(found),
            CamtError::TooLarge => ErrorCode::CamtTooLarge,
            CamtError::Malformed(_) => ErrorCode::CamtMalformed,
        }
    }
}

fn malformed(what: impl Into<String>) -> CamtError {
    CamtError::Malformed(what.into())
}

/// The statements of a camt.053 file (see the module's documentation).
pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, CamtError> {
    if bytes.len() > MAX_BYTES {
        return Err(CamtError::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'<') {
        return Err(CamtError::NotXml);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("not UTF-8"))?;
    let mut reader = Reader::from_str(text);
    let mut parser = Parser::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(e) => parser.start(&e)?,
            Event::Empty(e) => {
                parser.start(&e)?;
                parser.end()?;
            }
            Event::End(_) => parser.end()?,
            Event::Text(t) => parser.text(&t.xml10_content())?,
            Event::CData(t) => parser.text(&t.xml10_content())?,
            Event::GeneralRef(r) => parser.text(&resolve(&r)?)?,
            Event::DocType(_) => return Err(malformed("a DOCTYPE is not allowed")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => return parser.finish(),
        }
    }
}

/// A character reference or one of XML's five predefined entities; any
/// other entity is refused (none can be declared: DOCTYPE is refused).
fn resolve(r: &BytesRef) -> Result<String, CamtError> {
    let bad = || malformed(format!("unknown entity &{};", &**r));
    if let Some(c) = r.resolve_char_ref().map_err(|_| bad())? {
        return Ok(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r)
        .map(str::to_string)
        .ok_or_else(bad)
}

/// An entry being read.
#[derive(Default)]
struct EntryDraft {
    amount: Option<(i64, String)>,
    credit: Option<bool>,
    reversal: bool,
    booking_date: Option<NaiveDate>,
    value_date: Option<NaiveDate>,
    acct_svcr_ref: Option<String>,
    ntry_ref: Option<String>,
    status: Option<String>,
    txs: Vec<TxDraft>,
}

/// A `TxDtls` being read.
#[derive(Default)]
struct TxDraft {
    /// `TxDtls/Amt` (.03 and later).
    amount: Option<(i64, String)>,
    /// `TxDtls/AmtDtls/TxAmt/Amt`.
    tx_amount: Option<(i64, String)>,
    credit: Option<bool>,
    remittance: Vec<String>,
    debtor: Option<String>,
    creditor: Option<String>,
    end_to_end_id: Option<String>,
}

impl TxDraft {
    fn amount(&self) -> Option<&(i64, String)> {
        self.amount.as_ref().or(self.tx_amount.as_ref())
    }

    /// The other side's name: the payer of money in, the payee of money out
    /// (a reversal names the parties of the payment it reverses).
    fn counterparty(&mut self, credit: bool, reversal: bool) -> Option<String> {
        if credit != reversal {
            self.debtor.take()
        } else {
            self.creditor.take()
        }
    }
}

/// The reader's state: where in the document it is and what it has read.
#[derive(Default)]
struct Parser {
    /// The local names of the elements open now, the root first.
    stack: Vec<String>,
    /// The text of the element open now (since its last child).
    text: String,
    /// `Ccy` of the `Amt` open now.
    currency: Option<String>,
    root_seen: bool,
    statements: Vec<Statement>,
    statement: Option<Statement>,
    /// The position of the next `Ntry` in its statement.
    position: usize,
    entry: Option<EntryDraft>,
    tx: Option<TxDraft>,
}

/// `stack` ends with `names`.
fn within(stack: &[String], names: &[&str]) -> bool {
    stack.len() >= names.len() && stack[stack.len() - names.len()..].iter().eq(names)
}

impl Parser {
    fn start(&mut self, e: &BytesStart) -> Result<(), CamtError> {
        let name = e.local_name().as_ref().to_string();
        if !self.root_seen {
            check_root(e, &name)?;
            self.root_seen = true;
        } else if self.stack.is_empty() {
            return Err(malformed("an element after the document element"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(malformed("elements nested too deep"));
        }
        let stack = &self.stack;
        match name.as_str() {
            "Stmt" if within(stack, &["BkToCstmrStmt"]) => {
                self.statement = Some(Statement {
                    id: String::new(),
                    account_iban: None,
                    entries: Vec::new(),
                });
                self.position = 0;
            }
            "Ntry" if self.statement.is_some() && within(stack, &["Stmt"]) => {
                self.entry = Some(EntryDraft::default());
            }
            "TxDtls" if self.entry.is_some() && within(stack, &["NtryDtls"]) => {
                self.tx = Some(TxDraft::default());
            }
            "Amt" => self.currency = attribute(e, "Ccy")?,
            _ => {}
        }
        self.text.clear();
        self.stack.push(name);
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), CamtError> {
        if self.stack.is_empty() && !text.trim().is_empty() {
            return Err(malformed("text outside the document element"));
        }
        self.text.push_str(text);
        Ok(())
    }

    fn end(&mut self) -> Result<(), CamtError> {
        let name = self
            .stack
            .pop()
            .ok_or_else(|| malformed("an end tag without a start"))?;
        let text = std::mem::take(&mut self.text);
        let value = text.trim();
        let stack = &self.stack;
        if let Some(tx) = &mut self.tx {
            match name.as_str() {
                "TxDtls" => {
                    if let (Some(tx), Some(entry)) = (self.tx.take(), &mut self.entry) {
                        entry.txs.push(tx);
                    }
                }
                "Amt" if within(stack, &["TxDtls"]) => {
                    tx.amount = Some(amount(value, self.currency.take())?);
                }
                "Amt" if within(stack, &["TxDtls", "AmtDtls", "TxAmt"]) => {
                    tx.tx_amount = Some(amount(value, self.currency.take())?);
                }
                "CdtDbtInd" if within(stack, &["TxDtls"]) => tx.credit = Some(direction(value)?),
                "Ustrd" if within(stack, &["RmtInf"]) => push_text(&mut tx.remittance, value),
                "Ref" | "CdtrRef" if within(stack, &["CdtrRefInf"]) => {
                    push_text(&mut tx.remittance, value);
                }
                "Nm" if party(stack, "Dbtr") => tx.debtor = some_text(value),
                "Nm" if party(stack, "Cdtr") => tx.creditor = some_text(value),
                "EndToEndId" if within(stack, &["TxDtls", "Refs"]) => {
                    tx.end_to_end_id = reference(value);
                }
                _ => {}
            }
        } else if let Some(entry) = &mut self.entry {
            match name.as_str() {
                "Ntry" => {
                    if let Some(entry) = self.entry.take() {
                        self.finish_entry(entry)?;
                    }
                }
                "Amt" if within(stack, &["Ntry"]) => {
                    entry.amount = Some(amount(value, self.currency.take())?);
                }
                "CdtDbtInd" if within(stack, &["Ntry"]) => entry.credit = Some(direction(value)?),
                "RvslInd" if within(stack, &["Ntry"]) => entry.reversal = boolean(value)?,
                "Dt" | "DtTm" if within(stack, &["Ntry", "BookgDt"]) => {
                    entry.booking_date = Some(date(value)?);
                }
                "Dt" | "DtTm" if within(stack, &["Ntry", "ValDt"]) => {
                    entry.value_date = Some(date(value)?);
                }
                "AcctSvcrRef" if within(stack, &["Ntry"]) => entry.acct_svcr_ref = reference(value),
                "NtryRef" if within(stack, &["Ntry"]) => entry.ntry_ref = reference(value),
                // `Sts` holds the code up to .07, `Sts/Cd` (or `Prtry`) from .08.
                "Sts" if within(stack, &["Ntry"]) && !value.is_empty() => {
                    entry.status = Some(value.to_string());
                }
                "Cd" | "Prtry" if within(stack, &["Ntry", "Sts"]) => {
                    entry.status = Some(value.to_string());
                }
                _ => {}
            }
        } else if let Some(statement) = &mut self.statement {
            match name.as_str() {
                "Stmt" => {
                    if statement.id.is_empty() {
                        return Err(malformed("a statement without Id"));
                    }
                    self.statements.extend(self.statement.take());
                }
                "Id" if within(stack, &["Stmt"]) => statement.id = value.to_string(),
                "IBAN" if within(stack, &["Stmt", "Acct", "Id"]) => {
                    statement.account_iban = some_text(value);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The entry (or a batch's parts) added to the statement open now.
    fn finish_entry(&mut self, draft: EntryDraft) -> Result<(), CamtError> {
        let position = self.position;
        self.position += 1;
        let statement = self
            .statement
            .as_mut()
            .ok_or_else(|| malformed("an entry outside a statement"))?;
        if draft.status.as_deref().is_some_and(|s| s != "BOOK") {
            return Ok(());
        }
        let at = || format!("entry {} of statement {:?}", position + 1, statement.id);
        let (amount_cents, currency) = draft
            .amount
            .ok_or_else(|| malformed(format!("{} has no amount", at())))?;
        let credit = draft
            .credit
            .ok_or_else(|| malformed(format!("{} has no CdtDbtInd", at())))?;
        let booking_date = draft
            .booking_date
            .or(draft.value_date)
            .ok_or_else(|| malformed(format!("{} has no date", at())))?;
        if statement.id.is_empty() {
            return Err(malformed("an entry before its statement's Id"));
        }
        let key = draft.acct_svcr_ref.or(draft.ntry_ref).unwrap_or_else(|| {
            let side = if credit { "C" } else { "D" };
            sha256_hex(
                format!(
                    "{}\n{position}\n{side}{amount_cents} {currency}\n{booking_date}",
                    statement.id
                )
                .as_bytes(),
            )
        });
        let mut entry = Entry {
            key,
            booking_date,
            amount_cents,
            currency,
            credit,
            reversal: draft.reversal,
            remittance: Vec::new(),
            counterparty: None,
            end_to_end_id: None,
        };
        let mut txs = draft.txs;
        let batch = txs.len() > 1 && txs.iter().all(|tx| tx.amount().is_some());
        if batch {
            for (i, mut tx) in txs.into_iter().enumerate() {
                let Some((cents, ccy)) = tx.amount.take().or(tx.tx_amount.take()) else {
                    continue;
                };
                let credit = tx.credit.unwrap_or(credit);
                statement.entries.push(Entry {
                    key: format!("{}/{}", entry.key, i + 1),
                    amount_cents: cents,
                    currency: ccy,
                    credit,
                    counterparty: tx.counterparty(credit, entry.reversal),
                    remittance: tx.remittance,
                    end_to_end_id: tx.end_to_end_id,
                    ..entry.clone()
                });
            }
            return Ok(());
        }
        if let [tx] = txs.as_mut_slice() {
            entry.counterparty = tx.counterparty(credit, entry.reversal);
            entry.end_to_end_id = tx.end_to_end_id.take();
        }
        // Several parts without their own amounts: one entry, every text.
        entry.remittance = txs.into_iter().flat_map(|tx| tx.remittance).collect();
        statement.entries.push(entry);
        Ok(())
    }

    fn finish(self) -> Result<Vec<Statement>, CamtError> {
        if !self.root_seen {
            return Err(malformed("no document element"));
        }
        if !self.stack.is_empty() {
            return Err(malformed("the file ends inside the document"));
        }
        if self.statements.is_empty() {
            return Err(malformed("no statement"));
        }
        Ok(self.statements)
    }
}

/// The document element must be an ISO 20022 camt.053 `Document`.
fn check_root(e: &BytesStart, name: &str) -> Result<(), CamtError> {
    let xmlns = match e.name().prefix() {
        Some(prefix) => format!("xmlns:{}", prefix.as_ref()),
        None => "xmlns".to_string(),
    };
    let namespace = attribute(e, &xmlns)?.unwrap_or_default();
    let Some(message) = namespace
        .strip_prefix(ISO_20022)
        .filter(|_| name == "Document")
    else {
        let found = if namespace.is_empty() {
            name.to_string()
        } else {
            namespace
        };
        return Err(CamtError::NotCamt053 { found });
    };
    let version = message.strip_prefix("camt.053.001.");
    if version.is_some_and(|v| v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit())) {
        return Ok(());
    }
    // `pain.001.001.03` is a `pain.001`; a camt.053 of an odd version is named whole.
    let kind = message.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
    let found = match kind.as_str() {
        "" => namespace.clone(),
        "camt.053" => message.to_string(),
        _ => kind,
    };
    Err(CamtError::NotCamt053 { found })
}

/// The value of attribute `key` (its full name, prefix included).
fn attribute(e: &BytesStart, key: &str) -> Result<Option<String>, CamtError> {
    for a in e.attributes() {
        let a = a.map_err(|err| malformed(format!("attribute: {err}")))?;
        if a.key.as_ref() == key {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| malformed(format!("attribute {key}: {err}")))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// `Nm` of a related party: `RltdPties/{role}/Nm`, or `…/{role}/Pty/Nm`
/// from .08 on.
fn party(stack: &[String], role: &str) -> bool {
    within(stack, &["RltdPties", role]) || within(stack, &["RltdPties", role, "Pty"])
}

fn some_text(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

fn push_text(to: &mut Vec<String>, value: &str) {
    to.extend(some_text(value));
}

/// A reference, unless empty or a placeholder for none.
fn reference(value: &str) -> Option<String> {
    some_text(value).filter(|v| !NO_REFERENCE.contains(&v.as_str()))
}

/// `CRDT` is a credit, `DBIT` a debit.
fn direction(value: &str) -> Result<bool, CamtError> {
    match value {
        "CRDT" => Ok(true),
        "DBIT" => Ok(false),
        other => Err(malformed(format!("CdtDbtInd {other:?}"))),
    }
}

/// An `xs:boolean`.
fn boolean(value: &str) -> Result<bool, CamtError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(malformed(format!("not a boolean: {other:?}"))),
    }
}

/// The day of an `xs:date` or `xs:dateTime` (as written, without moving it
/// to another time zone).
fn date(value: &str) -> Result<NaiveDate, CamtError> {
    value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| malformed(format!("not a date: {value:?}")))
}

/// An amount and its currency: `<Amt Ccy="EUR">1234.56</Amt>`.
fn amount(value: &str, currency: Option<String>) -> Result<(i64, String), CamtError> {
    let currency = currency
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| malformed(format!("amount {value:?} without a currency")))?;
    Ok((cents(value)?, currency))
}

/// Exact cents of a non-negative decimal: `1234.56` is 123456. More than
/// two decimals are refused unless the extra ones are zeros (`12.340`):
/// nothing is rounded.
fn cents(value: &str) -> Result<i64, CamtError> {
    let bad = || malformed(format!("not an amount in cents: {value:?}"));
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return Err(bad());
    }
    if fraction.len() > 2 && fraction[2..].bytes().any(|b| b != b'0') {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction = format!("{:0<2}", &fraction[..fraction.len().min(2)]);
    let fraction: i64 = fraction.parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(fraction))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const V02: &[u8] = include_bytes!("../../tests/fixtures/camt/camt053-001-02.xml");
    const V08: &[u8] = include_bytes!("../../tests/fixtures/camt/camt053-001-08.xml");
    const CAMT054: &[u8] = include_bytes!("../../tests/fixtures/camt/camt054-001-02.xml");
    const PAIN001: &[u8] = include_bytes!("../../tests/fixtures/camt/pain001-001-03.xml");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A camt.053 of `version` with one statement `S1` holding `entries`.
    fn doc(version: &str, entries: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"><BkToCstmrStmt>
<Stmt><Id>S1</Id>{entries}</Stmt></BkToCstmrStmt></Document>"#
        )
    }

    /// A booked credit of `amount` euros on 2 March 2026, with `details`.
    fn ntry(amount: &str, details: &str) -> String {
        format!(
            r#"<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<BookgDt><Dt>2026-03-02</Dt></BookgDt>{details}</Ntry>"#
        )
    }

    fn entries(xml: &str) -> Vec<Entry> {
        let mut statements = parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}: {xml}"));
        assert_eq!(statements.len(), 1);
        statements.remove(0).entries
    }

    fn malformed(xml: &[u8]) -> String {
        match parse(xml) {
            Err(CamtError::Malformed(why)) => why,
            other => panic!("not malformed: {other:?}"),
        }
    }

    #[test]
    fn a_dutch_bank_statement_001_02() {
        let statements = parse(V02).unwrap();
        assert_eq!(statements.len(), 1);
        let s = &statements[0];
        assert_eq!(s.id, "0417164300EUR2026-03-02");
        assert_eq!(s.account_iban.as_deref(), Some("NL91ABNA0417164300"));
        // Four entries, the last a batch of two.
        assert_eq!(s.entries.len(), 5);
        let [rf_text, rf_structured, debit, part1, part2] = &s.entries[..] else {
            unreachable!()
        };

        assert_eq!(
            rf_text,
            &Entry {
                key: "2026030200001234".into(),
                booking_date: day("2026-03-02"),
                amount_cents: 123_456,
                currency: "EUR".into(),
                credit: true,
                reversal: false,
                remittance: vec!["Factuur 2026-0042 RF88 2026 0042".into()],
                counterparty: Some("Bakkerij de Vries & Zn B.V.".into()),
                end_to_end_id: Some("E2E-BAKKERIJ-0042".into()),
            }
        );

        assert_eq!(
            rf_structured.key, "NTRY-2026-03-02-0002",
            "NtryRef without AcctSvcrRef"
        );
        assert_eq!(rf_structured.amount_cents, 25_000);
        assert!(rf_structured.credit);
        assert_eq!(rf_structured.remittance, ["RF61 2026 0043"]);
        assert_eq!(
            crate::domain::payment_reference::normalize(&rf_structured.remittance[0]),
            Some(crate::domain::payment_reference::rf_for(20_260_043))
        );
        assert_eq!(
            rf_structured.counterparty.as_deref(),
            Some("Jansen Installatietechniek")
        );
        assert_eq!(rf_structured.end_to_end_id, None, "NOTPROVIDED is none");

        assert!(!debit.credit);
        assert_eq!(debit.amount_cents, 8_995);
        assert_eq!(
            debit.counterparty.as_deref(),
            Some("KPN B.V."),
            "the payee of a debit"
        );
        assert_eq!(
            debit.remittance,
            ["Abonnement maart 2026", "Klantnummer 1.2345.678"]
        );
        assert_eq!(debit.key.len(), 64, "no bank reference: a hash");
        assert!(debit.key.bytes().all(|b| b.is_ascii_hexdigit()));

        assert_eq!(part1.key, "2026030200005678/1");
        assert_eq!(part2.key, "2026030200005678/2");
        assert_eq!((part1.amount_cents, part2.amount_cents), (10_000, 20_000));
        assert_eq!(part1.remittance, ["RF34 2026 0044"]);
        assert_eq!(part2.remittance, ["Factuur 2026-0045", "RF0720260045"]);
        assert_eq!(part1.end_to_end_id.as_deref(), Some("BATCH-1"));
        assert_eq!(part2.counterparty.as_deref(), Some("Gemeente Utrecht"));
        for part in [part1, part2] {
            assert!(part.credit && !part.reversal);
            assert_eq!(part.booking_date, day("2026-03-02"));
            assert_eq!(part.currency, "EUR");
        }

        // The entries add up to the closing balance in the file.
        let net: i64 = s
            .entries
            .iter()
            .map(|e| {
                if e.credit {
                    e.amount_cents
                } else {
                    -e.amount_cents
                }
            })
            .sum();
        assert_eq!(1_000_000 + net, 1_169_461);
    }

    #[test]
    fn a_statement_001_08_with_two_accounts() {
        let statements = parse(V08).unwrap();
        assert_eq!(statements.len(), 2);
        let eur = &statements[0];
        assert_eq!(eur.account_iban.as_deref(), Some("NL20INGB0001234567"));
        // The pending entry is left out; the batch gives two.
        let keys: Vec<&str> = eur.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "INGB-20260315-000187",
                "INGB-20260315-000301",
                "INGB-20260315-000400/1",
                "INGB-20260315-000400/2"
            ]
        );
        let [credit, reversal, part1, part2] = &eur.entries[..] else {
            unreachable!()
        };
        assert_eq!(
            credit.booking_date,
            day("2026-03-15"),
            "the day of BookgDt/DtTm"
        );
        assert_eq!(credit.amount_cents, 4_200);
        assert_eq!(
            credit.counterparty.as_deref(),
            Some("M. de Jong"),
            "Dbtr/Pty/Nm"
        );
        assert_eq!(credit.remittance, ["rf77 2026 0046 bedankt"]);
        assert_eq!(credit.end_to_end_id.as_deref(), Some("WEB-ORDER-7781"));

        assert!(reversal.reversal && !reversal.credit);
        assert_eq!(reversal.amount_cents, 4_200);
        assert_eq!(
            reversal.counterparty.as_deref(),
            Some("M. de Jong"),
            "a sent-back credit names its payer"
        );

        assert_eq!((part1.amount_cents, part2.amount_cents), (5_025, 2_525));
        assert_eq!(part1.remittance, ["RF3420260044"]);
        assert_eq!(part1.counterparty.as_deref(), Some("Stichting Voorbeeld"));
        assert_eq!(part2.remittance, ["Contributie <2026>"], "CDATA");
        assert_eq!(part2.counterparty.as_deref(), Some("Vereniging Test"));

        let usd = &statements[1];
        assert_eq!(usd.account_iban, None, "an account without IBAN");
        let [costs] = &usd.entries[..] else {
            unreachable!()
        };
        assert_eq!((costs.amount_cents, costs.currency.as_str()), (750, "USD"));
        assert!(!costs.credit);
        assert!(costs.remittance.is_empty() && costs.counterparty.is_none());
        assert_eq!(costs.key.len(), 64);
    }

    #[test]
    fn keys_are_stable_across_parses_and_unique() {
        for file in [V02, V08] {
            let first = parse(file).unwrap();
            assert_eq!(parse(file).unwrap(), first);
            let keys: Vec<&str> = first
                .iter()
                .flat_map(|s| &s.entries)
                .map(|e| e.key.as_str())
                .collect();
            let unique: std::collections::HashSet<_> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "{keys:?}");
        }
        // A hashed key follows the statement, position, amount and date.
        let one = entries(&doc("02", &ntry("10.00", "")))[0].key.clone();
        let again = entries(&doc("02", &ntry("10.00", "")))[0].key.clone();
        assert_eq!(one, again);
        let other_amount = entries(&doc("02", &ntry("10.01", "")))[0].key.clone();
        assert_ne!(one, other_amount);
        let two = entries(&doc("02", &(ntry("10.00", "") + &ntry("10.00", ""))));
        assert_eq!(two[0].key, one);
        assert_ne!(two[1].key, one, "the same amount at the next position");
        let other_statement = doc("02", &ntry("10.00", "")).replace("<Id>S1</Id>", "<Id>S2</Id>");
        assert_ne!(entries(&other_statement)[0].key, one);
    }

    #[test]
    fn versions_02_to_08_and_later_are_read() {
        for version in ["02", "03", "04", "05", "06", "07", "08", "10", "13"] {
            let e = entries(&doc(version, &ntry("1234.56", "")));
            assert_eq!(e[0].amount_cents, 123_456, "{version}");
        }
    }

    #[test]
    fn a_namespace_prefix_is_followed() {
        let xml = r#"<?xml version="1.0"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
<ns2:BkToCstmrStmt><ns2:Stmt><ns2:Id>S1</ns2:Id>
<ns2:Ntry><ns2:Amt Ccy="EUR">5.00</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd>
<ns2:BookgDt><ns2:Dt>2026-03-02</ns2:Dt></ns2:BookgDt></ns2:Ntry>
</ns2:Stmt></ns2:BkToCstmrStmt></ns2:Document>"#;
        assert_eq!(entries(xml)[0].amount_cents, 500);
        let other = xml.replace("camt.053.001.04", "camt.052.001.04");
        assert_eq!(
            parse(other.as_bytes()),
            Err(CamtError::NotCamt053 {
                found: "camt.052".into()
            })
        );
    }

    #[test]
    fn another_message_is_named() {
        let found = |bytes: &[u8]| match parse(bytes) {
            Err(CamtError::NotCamt053 { found }) => found,
            other => panic!("{other:?}"),
        };
        assert_eq!(found(CAMT054), "camt.054");
        assert_eq!(found(PAIN001), "pain.001");
        assert_eq!(found(b"<html><body>Inloggen</body></html>"), "html");
        assert_eq!(
            found(b"<Document xmlns=\"urn:example:x\"/>"),
            "urn:example:x"
        );
        assert_eq!(found(b"<Document><BkToCstmrStmt/></Document>"), "Document");
        assert_eq!(
            found(doc("2", "").as_bytes()),
            "camt.053.001.2",
            "an odd version is named whole"
        );
        let message = ErrorCode::from(parse(PAIN001).unwrap_err()).message(Lang::Nl.t());
        assert_eq!(
            message,
            "Dit bestand is een pain.001-bericht, geen camt.053-afschrift. \
             Exporteer bij uw bank het dagafschrift in CAMT.053-formaat."
        );
        let message = ErrorCode::from(parse(CAMT054).unwrap_err()).message(Lang::En.t());
        assert!(
            message.starts_with("This file is a camt.054 message"),
            "{message}"
        );
    }

    #[test]
    fn what_is_not_xml() {
        for bytes in [
            &b""[..],
            b"   \n",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj",
            b"Datum,Naam,Rekening,Bedrag\n20260302,Bakkerij,NL91ABNA0417164300,1234.56\n",
            b":20:STARTUMS\n:25:NL91ABNA0417164300\n:28C:00061\n",
            b"PK\x03\x04\x14\x00\x00\x00",
            b"\xFF\xFE<\x00?\x00",
        ] {
            assert_eq!(parse(bytes), Err(CamtError::NotXml), "{bytes:?}");
        }
        assert_eq!(ErrorCode::from(CamtError::NotXml), ErrorCode::CamtNotXml);
    }

    #[test]
    fn a_byte_order_mark_and_white_space_before_are_fine() {
        let mut bytes = b"\xEF\xBB\xBF\n  ".to_vec();
        bytes.extend_from_slice(doc("02", &ntry("1.00", "")).as_bytes());
        assert_eq!(parse(&bytes).unwrap()[0].entries[0].amount_cents, 100);
    }

    #[test]
    fn a_doctype_is_refused() {
        let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>"#;
        assert!(malformed(xxe.as_bytes()).contains("DOCTYPE"));
        let laughs = r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol2;</Document>"#;
        assert!(malformed(laughs.as_bytes()).contains("DOCTYPE"));
        // Without a DOCTYPE no entity is declared: an unknown one is refused.
        let undeclared = doc("02", &ntry("1.00", "")).replace("<Id>S1</Id>", "<Id>&xxe;</Id>");
        assert!(malformed(undeclared.as_bytes()).contains("&xxe;"));
        // The five predefined ones and character references are text.
        let escaped = doc(
            "02",
            &ntry(
                "1.00",
                "<NtryDtls><TxDtls><RmtInf><Ustrd>&lt;a&gt; &amp; &quot;b&apos; &#233;&#x20AC;</Ustrd>\
                 </RmtInf></TxDtls></NtryDtls>",
            ),
        );
        assert_eq!(entries(&escaped)[0].remittance, ["<a> & \"b' é€"]);
        assert_eq!(
            ErrorCode::from(CamtError::Malformed("x".into())),
            ErrorCode::CamtMalformed
        );
    }

    #[test]
    fn too_large_is_refused_before_reading() {
        let mut big = doc("02", &ntry("1.00", "")).into_bytes();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(parse(&big), Err(CamtError::TooLarge));
        big.truncate(MAX_BYTES);
        assert_eq!(
            parse(&big).unwrap()[0].entries.len(),
            1,
            "at the limit: read"
        );
        assert_eq!(
            ErrorCode::from(CamtError::TooLarge),
            ErrorCode::CamtTooLarge
        );
        // The message names the limit.
        let mb = format!("{} MB", MAX_BYTES / (1024 * 1024));
        for lang in Lang::ALL {
            assert!(lang.t().err_camt_too_large.contains(&mb), "{lang:?}");
        }
    }

    #[test]
    fn broken_xml_is_malformed() {
        let whole = std::str::from_utf8(V02).unwrap();
        let truncated = &whole[..whole.len() / 2];
        malformed(truncated.as_bytes());
        malformed(whole.replace("</Ntry>", "</Ntri>").as_bytes());
        malformed(format!("{whole}<Document/>").as_bytes());
        malformed(format!("{whole} trailing text").as_bytes());
        malformed(b"<?xml version=\"1.0\"?>");
        malformed(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"/>");
        let latin1 = doc("02", &ntry("1.00", "")).replace("S1", "caf\u{e9}");
        let latin1: Vec<u8> = latin1.chars().map(|c| c as u8).collect();
        assert_eq!(malformed(&latin1), "not UTF-8");
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        let deep = doc("02", &deep);
        assert!(malformed(deep.as_bytes()).contains("deep"));
    }

    #[test]
    fn an_entry_that_breaks_the_standard_is_malformed() {
        let mut broken: Vec<(&str, String)> = vec![];
        for amount in ["1.234", "-5.00", "1,50", "", "1e3", "99999999999999999999"] {
            broken.push((amount, doc("02", &ntry(amount, ""))));
        }
        let good = doc("02", &ntry("1.00", ""));
        for (from, to) in [
            (" Ccy=\"EUR\"", ""),
            ("EUR", "euro"),
            ("<CdtDbtInd>CRDT</CdtDbtInd>", ""),
            ("CRDT", "CREDIT"),
            ("2026-03-02", "02-03-2026"),
            ("<BookgDt><Dt>2026-03-02</Dt></BookgDt>", ""),
            ("</CdtDbtInd>", "</CdtDbtInd><RvslInd>yes</RvslInd>"),
            ("<Id>S1</Id>", ""),
        ] {
            broken.push((from, good.replace(from, to)));
        }
        let no_statement = doc("02", "").replace("<Stmt><Id>S1</Id></Stmt>", "");
        broken.push(("no statement", no_statement));
        for (what, xml) in broken {
            let result = parse(xml.as_bytes());
            assert!(
                matches!(result, Err(CamtError::Malformed(_))),
                "{what}: {result:?}"
            );
        }
    }

    #[test]
    fn amounts_are_exact_cents() {
        for (text, expected) in [
            ("1234.56", 123_456),
            ("0.01", 1),
            ("0.1", 10),
            (".5", 50),
            ("7", 700),
            ("7.", 700),
            ("007.50", 750),
            ("12.340", 1_234),
            ("12.30000", 1_230),
            ("92233720368547758.07", i64::MAX),
            ("0", 0),
        ] {
            assert_eq!(cents(text), Ok(expected), "{text}");
        }
        for text in [
            "",
            ".",
            "1.001",
            "1.2345",
            "-1",
            "+1",
            "1,00",
            "1 000",
            "1e2",
            "NaN",
            "1.2.3",
            "92233720368547758.08",
        ] {
            assert!(cents(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn value_date_stands_in_for_a_missing_booking_date() {
        let xml = doc("02", &ntry("1.00", "<ValDt><Dt>2026-03-04</Dt></ValDt>"))
            .replace("<BookgDt><Dt>2026-03-02</Dt></BookgDt>", "");
        assert_eq!(entries(&xml)[0].booking_date, day("2026-03-04"));
    }

    #[test]
    fn parts_without_their_own_amounts_stay_one_entry() {
        let details = "<NtryDtls><TxDtls><RmtInf><Ustrd>een</Ustrd></RmtInf>\
            <RltdPties><Dbtr><Nm>A</Nm></Dbtr></RltdPties></TxDtls>\
            <TxDtls><RmtInf><Ustrd>twee</Ustrd></RmtInf></TxDtls></NtryDtls>";
        let e = entries(&doc("02", &ntry("3.00", details)));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].amount_cents, 300);
        assert_eq!(e[0].remittance, ["een", "twee"]);
        assert_eq!(e[0].counterparty, None, "whose, of two?");
        // One part with an amount is not a batch: the entry's amount holds.
        let one = "<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy=\"EUR\">2.99</Amt></TxAmt>\
            </AmtDtls></TxDtls></NtryDtls>";
        assert_eq!(entries(&doc("02", &ntry("3.00", one)))[0].amount_cents, 300);
    }

    #[test]
    fn only_booked_entries_count() {
        let status = |sts: &str| entries(&doc("02", &ntry("1.00", sts))).len();
        assert_eq!(status("<Sts>BOOK</Sts>"), 1);
        assert_eq!(status("<Sts><Cd>BOOK</Cd></Sts>"), 1);
        assert_eq!(status(""), 1, "no status: booked");
        assert_eq!(status("<Sts>PDNG</Sts>"), 0);
        assert_eq!(status("<Sts><Cd>INFO</Cd></Sts>"), 0);
    }
}
