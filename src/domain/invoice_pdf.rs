//! The invoice and the credit note as an A4 PDF: a plain [`InvoiceDoc`] in,
//! PDF bytes out, in-process (krilla writes the PDF; rustybuzz shapes the
//! text, so each text is shaped once and the same glyphs are measured for
//! alignment and wrapping and then drawn).
//!
//! The text is real text in an embedded, subsetted DejaVu Sans
//! (`assets/fonts/`, its licence beside it): it can be selected, searched and
//! read by a machine. The layout is made first, as pages of drawing
//! operations, so the footer can say "page 1 of 2"; then the pages are drawn.
//! Every label comes from the document's language (`pdf_…` in `i18n`).

use std::sync::LazyLock;

use chrono::NaiveDate;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::error::AppError;
use crate::i18n::{Lang, Messages, fill};

/// A party of the document: the seller or the buyer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub legal_name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    /// The country's name in the document's language.
    pub country: String,
    pub vat_id: Option<String>,
    pub kvk_number: Option<String>,
    pub email: Option<String>,
}

/// One line of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLine {
    pub description: String,
    /// The period the line is for, both dates inclusive.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub quantity: i64,
    pub unit_cents: i64,
    pub amount_cents: i64,
}

/// The VAT of one rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VatRow {
    /// Basis points: 2100 is 21 %.
    pub rate_bp: i64,
    pub net_cents: i64,
    pub vat_cents: i64,
}

/// The seller's logo, drawn top left (PNG or JPEG bytes, as uploaded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocLogo {
    pub bytes: Vec<u8>,
    pub jpeg: bool,
    pub width: u32,
    pub height: u32,
}

impl DocLogo {
    fn image(&self) -> Option<krilla::image::Image> {
        let data = krilla::Data::from(self.bytes.clone());
        if self.jpeg {
            krilla::image::Image::from_jpeg(data, true).ok()
        } else {
            krilla::image::Image::from_png(data, true).ok()
        }
    }

    /// Its size on the page (points): at most [`LOGO_W`] wide and
    /// [`LOGO_H`] high, in its own proportions.
    fn size(&self) -> (f32, f32) {
        let (w, h) = (self.width.max(1) as f32, self.height.max(1) as f32);
        let scale = (LOGO_W / w).min(LOGO_H / h);
        (w * scale, h * scale)
    }
}

/// Does a logo of `content_type` decode and draw? (An upload is checked
/// whole once, so no invoice fails on it later.)
pub fn logo_decodes(bytes: &[u8], content_type: &str) -> bool {
    let logo = DocLogo {
        bytes: bytes.to_vec(),
        jpeg: content_type == "image/jpeg",
        width: 1,
        height: 1,
    };
    let Some(image) = logo.image() else {
        return false;
    };
    let Some(settings) = PageSettings::from_wh(100.0, 100.0) else {
        return false;
    };
    let Some(size) = krilla::geom::Size::from_wh(10.0, 10.0) else {
        return false;
    };
    let mut document = Document::new();
    {
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface.draw_image(image, size);
        surface.finish();
        page.finish();
    }
    document.finish().is_ok()
}

/// An invoice, or a credit note of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocKind {
    Invoice,
    CreditNote {
        /// The number of the invoice it credits.
        credits: String,
    },
}

/// Everything the PDF shows, already decided: amounts are integer cents,
/// texts are in the document's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDoc {
    pub lang: Lang,
    pub kind: DocKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The date(s) of supply: the period, both dates inclusive.
    pub supply: (NaiveDate, NaiveDate),
    pub seller: Party,
    /// The seller's logo, if it has one.
    pub seller_logo: Option<DocLogo>,
    pub seller_iban: String,
    pub seller_bic: String,
    pub buyer: Party,
    /// A coupon's discount is a line of its own with a negative amount.
    pub lines: Vec<DocLine>,
    pub subtotal_cents: i64,
    pub vat: Vec<VatRow>,
    pub total_cents: i64,
    /// E.g. "BTW verlegd", already in the document's language.
    pub vat_note: Option<String>,
    pub payment_reference: String,
}

/// The document as A4 PDF bytes.
pub fn render(doc: &InvoiceDoc) -> Result<Vec<u8>, AppError> {
    let faces = FACES.as_ref().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("invoice pdf: the font does not load"))
    })?;
    let pages = Layout::new(faces, doc).pages();
    let t = doc.lang.t();
    let count = pages.len();
    let footer = footer_text(doc);
    let logo = doc.seller_logo.as_ref().and_then(DocLogo::image);

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", title(doc), doc.number))
            .language(doc.lang.code().to_string())
            .authors(vec![doc.seller.legal_name.clone()])
            .creator("Portaal".to_string()),
    );
    for (i, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("invoice pdf: page size")))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut draw = |op: &Op| match op {
            Op::Text { x, y, run } => {
                surface.set_stroke(None);
                surface.set_fill(Some(fill_of(run.style.color)));
                surface.draw_glyphs(
                    Point::from_xy(*x, *y),
                    &run.glyphs,
                    faces.get(run.style.weight).pdf.clone(),
                    &run.text,
                    run.style.size,
                    false,
                );
            }
            Op::Rule {
                x1,
                x2,
                y,
                width,
                color,
            } => {
                let mut pb = PathBuilder::new();
                pb.move_to(*x1, *y);
                pb.line_to(*x2, *y);
                if let Some(path) = pb.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(color.0, color.1, color.2).into(),
                        width: *width,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                }
            }
            Op::Logo { x, y, w, h } => {
                if let (Some(image), Some(size)) =
                    (logo.clone(), krilla::geom::Size::from_wh(*w, *h))
                {
                    surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
            Op::Band { x, y, w, h, color } => {
                let mut pb = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(rect);
                }
                if let Some(path) = pb.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill_of(*color)));
                    surface.draw_path(&path);
                }
            }
        };
        for op in ops {
            draw(op);
        }
        // The footer of every page: who sends it, and where it is paid.
        let mut foot = Vec::new();
        foot.push(Op::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: FOOTER_RULE,
            width: 0.5,
            color: RULE,
        });
        let line = faces.fit(&footer, FOOTER, RIGHT - LEFT);
        foot.push(Op::Text {
            x: LEFT + (RIGHT - LEFT - line.width) / 2.0,
            y: FOOTER_RULE + 13.0,
            run: line,
        });
        if count > 1 {
            let n = faces.run(&fill(t.pdf_page, &[&(i + 1), &count]), FOOTER);
            foot.push(Op::Text {
                x: LEFT + (RIGHT - LEFT - n.width) / 2.0,
                y: FOOTER_RULE + 24.0,
                run: n,
            });
        }
        for op in &foot {
            draw(op);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("invoice pdf: {e}")))
}

// ---------------------------------------------------------------------------
// Fonts and text

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// One font, as krilla embeds it and as rustybuzz shapes with it.
struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

impl Face {
    fn load(ttf: &'static [u8]) -> Option<Face> {
        let pdf = Font::new(ttf.into(), 0)?;
        let shaper = rustybuzz::Face::from_slice(ttf, 0)?;
        let units_per_em = pdf.units_per_em();
        Some(Face {
            pdf,
            shaper,
            units_per_em,
        })
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

/// Loaded once: parsing and hashing the fonts costs more than a page.
static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    Some(Faces {
        regular: Face::load(REGULAR_TTF)?,
        bold: Face::load(BOLD_TTF)?,
    })
});

#[derive(Clone, Copy, Debug, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

type Color = (u8, u8, u8);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Style {
    size: f32,
    weight: Weight,
    color: Color,
}

const INK: Color = (0x1f, 0x29, 0x37);
const MUTED: Color = (0x6b, 0x72, 0x80);
const ACCENT: Color = (0x1d, 0x4e, 0x89);
const RULE: Color = (0xd1, 0xd5, 0xdb);
const BAND: Color = (0xf1, 0xf4, 0xf8);

const fn style(size: f32, weight: Weight, color: Color) -> Style {
    Style {
        size,
        weight,
        color,
    }
}

const BODY: Style = style(9.0, Weight::Regular, INK);
const BODY_BOLD: Style = style(9.0, Weight::Bold, INK);
const LABEL: Style = style(9.0, Weight::Regular, MUTED);
const SMALL: Style = style(7.5, Weight::Regular, MUTED);
const FOOTER: Style = SMALL;
const TABLE_HEAD: Style = style(8.0, Weight::Bold, INK);
const HEADING: Style = style(10.0, Weight::Bold, INK);
const NAME: Style = style(12.5, Weight::Bold, INK);
const BUYER_NAME: Style = style(10.5, Weight::Bold, INK);
const TOTAL: Style = style(10.5, Weight::Bold, INK);
const TITLE: Style = style(21.0, Weight::Bold, ACCENT);

/// A shaped piece of text on one line.
#[derive(Clone, Debug)]
struct Run {
    text: String,
    glyphs: Vec<KrillaGlyph>,
    style: Style,
    width: f32,
}

impl Faces {
    fn get(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Shape `text` on one line (left to right, no line breaks).
    fn run(&self, text: &str, style: Style) -> Run {
        let face = self.get(style.weight);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
        let (infos, positions) = (shaped.glyph_infos(), shaped.glyph_positions());
        let em = face.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut advance = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster runs to the next glyph of another cluster (left to
            // right, clusters only grow): that is the text it stands for.
            let end = infos[i + 1..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&c| c != start)
                .unwrap_or(text.len());
            let glyph = KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / em,
                pos.x_offset as f32 / em,
                pos.y_offset as f32 / em,
                pos.y_advance as f32 / em,
                start..end,
                None,
            );
            advance += glyph.x_advance;
            glyphs.push(glyph);
        }
        Run {
            text: text.to_string(),
            glyphs,
            style,
            width: advance * style.size,
        }
    }

    fn width(&self, text: &str, style: Style) -> f32 {
        self.run(text, style).width
    }

    /// `text` on one line of at most `width`, cut with "…" when longer.
    fn fit(&self, text: &str, style: Style, width: f32) -> Run {
        let run = self.run(text, style);
        if run.width <= width {
            return run;
        }
        let keep = self.longest_prefix(text, style, width, |prefix| {
            format!("{}…", prefix.trim_end())
        });
        self.run(&format!("{}…", text[..keep].trim_end()), style)
    }

    /// The byte length of the longest prefix of `text` (whole characters)
    /// that, shown as `shown(prefix)`, is at most `width` wide: a binary
    /// search, each step one shaping.
    fn longest_prefix(
        &self,
        text: &str,
        style: Style,
        width: f32,
        shown: impl Fn(&str) -> String,
    ) -> usize {
        let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        // ends[..fits] fit; ends[fits..] are unknown or too wide.
        let (mut fits, mut wide) = (0, ends.len());
        while fits < wide {
            let mid = (fits + wide).div_ceil(2);
            if self.width(&shown(&text[..ends[mid - 1]]), style) <= width {
                fits = mid;
            } else {
                wide = mid - 1;
            }
        }
        if fits == 0 { 0 } else { ends[fits - 1] }
    }

    /// `text` broken into lines of at most `width`: at spaces (not those of
    /// a [`glued`] phrase), and inside a word only when the word alone is
    /// wider than a line.
    fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let space = self.width(" ", style);
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split_whitespace() {
                let mut word = word.replace(GLUE, " ");
                let mut word_width = self.width(&word, style);
                let gap = if line.is_empty() { 0.0 } else { space };
                if line_width + gap + word_width <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(&word);
                    line_width += gap + word_width;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than a line goes in pieces.
                while word_width > width {
                    let keep = self.longest_prefix(&word, style, width, str::to_string);
                    // At least one character a line, however narrow.
                    let keep = keep.max(word.chars().next().map_or(0, char::len_utf8));
                    lines.push(word[..keep].to_string());
                    word = word[keep..].to_string();
                    word_width = self.width(&word, style);
                }
                line = word;
                line_width = word_width;
            }
            if !line.is_empty() || lines.is_empty() {
                lines.push(line);
            }
        }
        lines
    }
}

/// Stands for a space that [`Faces::wrap`] does not break at.
const GLUE: char = '\u{1f}';

/// `text` kept on one line when wrapped (an amount, a date, a reference).
fn glued(text: &str) -> String {
    text.replace(' ', &GLUE.to_string())
}

// ---------------------------------------------------------------------------
// Layout

/// A4 in points.
const PAGE_W: f32 = 595.28;
/// The logo's box (points) and its top.
const LOGO_W: f32 = 170.0;
const LOGO_H: f32 = 48.0;
const LOGO_TOP: f32 = 26.0;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
/// Where the right-hand blocks (the document's facts, the totals) start.
const RIGHT_BLOCK: f32 = 312.0;
/// The lines table's columns: the description's right edge and the right
/// edges of the quantity, the unit price and the amount.
const DESC_RIGHT: f32 = 292.0;
const QTY_RIGHT: f32 = 340.0;
const PRICE_RIGHT: f32 = 438.0;
const FOOTER_RULE: f32 = PAGE_H - 50.0;
/// Content ends above this line; what does not fit goes to the next page.
const BOTTOM: f32 = FOOTER_RULE - 14.0;
/// Line height of body text.
const LEADING: f32 = 12.5;
/// Line height of a description in the lines table.
const TABLE_LEADING: f32 = 12.0;
/// A longer description is cut.
const MAX_DESCRIPTION_LINES: usize = 12;

/// One drawing operation; `y` of text is its baseline.
enum Op {
    Text {
        x: f32,
        y: f32,
        run: Run,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: Color,
    },
    Band {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    /// The seller's logo, its top left corner at (x, y).
    Logo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

struct Layout<'a> {
    faces: &'a Faces,
    doc: &'a InvoiceDoc,
    t: &'static Messages,
    pages: Vec<Vec<Op>>,
    /// The top of the free space on the current page.
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(faces: &'a Faces, doc: &'a InvoiceDoc) -> Self {
        Layout {
            faces,
            doc,
            t: doc.lang.t(),
            pages: vec![Vec::new()],
            y: 0.0,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn text(&mut self, x: f32, y: f32, text: &str, style: Style) -> f32 {
        let run = self.faces.run(text, style);
        let width = run.width;
        self.ops().push(Op::Text { x, y, run });
        width
    }

    fn text_right(&mut self, right: f32, y: f32, text: &str, style: Style) {
        let run = self.faces.run(text, style);
        self.ops().push(Op::Text {
            x: right - run.width,
            y,
            run,
        });
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Color) {
        self.ops().push(Op::Rule {
            x1,
            x2,
            y,
            width,
            color,
        });
    }

    /// Wrapped text from `y` (the first baseline); the baseline after it.
    fn paragraph(&mut self, x: f32, y: f32, text: &str, style: Style, width: f32) -> f32 {
        let mut y = y;
        for line in self.faces.wrap(text, style, width) {
            self.text(x, y, &line, style);
            y += style.size + 3.5;
        }
        y
    }

    /// "BTW-nummer NL…": a muted label (if any), then the value.
    fn labelled(&mut self, x: f32, y: f32, label: &str, value: &str) {
        let x = match label {
            "" => x,
            label => x + self.text(x, y, label, LABEL) + 4.0,
        };
        self.text(x, y, value, BODY);
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        // A following page says whose document it continues.
        let y = 58.0;
        let head = format!("{} {}", title(self.doc), self.doc.number);
        let w = self.text(LEFT, y, &head, HEADING);
        self.text(LEFT + w + 6.0, y, self.t.pdf_continued, LABEL);
        let doc = self.doc;
        self.text_right(RIGHT, y, &doc.seller.legal_name, LABEL);
        self.rule(LEFT, RIGHT, y + 8.0, 0.5, RULE);
        self.y = y + 26.0;
    }

    /// Draws a block with `draw` (from `self.y`; it returns where the block
    /// ends) and keeps it whole: when it ends below the page's end, it is
    /// taken back and drawn again on a new page, after `on_new_page` (the
    /// table's header). A block taller than a page is drawn once more there
    /// and left as it is: nothing drawn is taller than that.
    fn keep_together(&mut self, draw: &dyn Fn(&mut Self) -> f32, on_new_page: &dyn Fn(&mut Self)) {
        let mark = self.ops().len();
        let bottom = draw(self);
        if bottom <= BOTTOM {
            self.y = bottom;
            return;
        }
        self.ops().truncate(mark);
        self.new_page();
        on_new_page(self);
        self.y = draw(self);
    }

    fn pages(mut self) -> Vec<Vec<Op>> {
        self.ops().push(Op::Band {
            x: 0.0,
            y: 0.0,
            w: PAGE_W,
            h: 5.0,
            color: ACCENT,
        });
        // The logo, when there is one, top left; the seller's name below it.
        let seller_top = match &self.doc.seller_logo {
            Some(logo) => {
                let (w, h) = logo.size();
                self.ops().push(Op::Logo {
                    x: LEFT,
                    y: LOGO_TOP,
                    w,
                    h,
                });
                LOGO_TOP + h + 22.0
            }
            None => 64.0,
        };
        let seller_bottom = self.seller(seller_top);
        let facts_bottom = self.facts(66.0);
        self.y = seller_bottom.max(facts_bottom) + 22.0;
        self.buyer();
        self.y += 26.0;
        self.lines();
        self.keep_together(
            &|this| {
                let top = this.y + 18.0;
                this.payment(top).max(this.totals(top))
            },
            &|_| {},
        );
        self.pages
    }

    /// The seller, top left: name, address, KvK, VAT id, e-mail.
    fn seller(&mut self, y: f32) -> f32 {
        let doc = self.doc;
        self.party(y, &doc.seller, NAME, true)
    }

    /// A party's block from the baseline `y`: its name in `name`, address,
    /// KvK, VAT id and (`with_email`) e-mail; the baseline after it.
    fn party(&mut self, y: f32, party: &Party, name: Style, with_email: bool) -> f32 {
        let t = self.t;
        let width = RIGHT_BLOCK - LEFT - 24.0;
        let mut y = self.paragraph(LEFT, y, &party.legal_name, name, width) + 1.5;
        y = self.address(y, party, width) + 4.0;
        let email = party.email.as_ref().filter(|_| with_email);
        for (label, value) in [
            (t.pdf_kvk, party.kvk_number.as_ref()),
            (t.pdf_vat_id, party.vat_id.as_ref()),
            ("", email),
        ] {
            if let Some(value) = value {
                self.labelled(LEFT, y, label, value);
                y += LEADING;
            }
        }
        y
    }

    /// Address, postal code and city, country; the baseline after them.
    fn address(&mut self, y: f32, party: &Party, width: f32) -> f32 {
        let mut y = y;
        let place = format!("{}  {}", party.postal_code, party.city);
        for line in [party.address_line.as_str(), place.trim(), &party.country] {
            if !line.is_empty() {
                y = self.paragraph(LEFT, y, line, BODY, width);
            }
        }
        y
    }

    /// The title and the document's facts, top right.
    fn facts(&mut self, y: f32) -> f32 {
        let (doc, t, lang) = (self.doc, self.t, self.doc.lang);
        self.text_right(RIGHT, y, title(doc), TITLE);
        let mut y = y + 20.0;
        if let DocKind::CreditNote { credits } = &doc.kind {
            self.text_right(RIGHT, y, &fill(t.pdf_credit_note_for, &[credits]), LABEL);
            y += LEADING;
        }
        y += 8.0;
        let (number, date) = match doc.kind {
            DocKind::Invoice => (t.pdf_invoice_number, t.pdf_invoice_date),
            DocKind::CreditNote { .. } => (t.pdf_credit_note_number, t.pdf_credit_note_date),
        };
        let (from, to) = doc.supply;
        let supply_label = if from == to {
            t.pdf_supply_date
        } else {
            t.pdf_supply_period
        };
        let mut rows = vec![
            (number, doc.number.clone()),
            (date, lang.long_date(doc.issued_on)),
        ];
        if doc.kind == DocKind::Invoice {
            rows.push((t.pdf_due_date, lang.long_date(doc.due_on)));
        }
        let label_width = rows
            .iter()
            .chain([&(supply_label, String::new())])
            .map(|(label, _)| self.faces.width(label, LABEL))
            .fold(0.0, f32::max);
        let value_width = RIGHT - RIGHT_BLOCK - label_width - 14.0;
        rows.push((supply_label, self.dates(doc.supply, BODY, value_width)));
        for (label, value) in rows {
            self.text(RIGHT_BLOCK, y, label, LABEL);
            for line in self.faces.wrap(&value, BODY, value_width) {
                self.text_right(RIGHT, y, &line, BODY);
                y += LEADING;
            }
            y += 1.5;
        }
        y
    }

    /// The buyer: "Bill to", name, address, KvK, VAT id.
    fn buyer(&mut self) {
        let doc = self.doc;
        let y = self.y + 8.0;
        self.text(LEFT, y, self.t.pdf_bill_to, LABEL);
        self.y = self.party(y + 15.0, &doc.buyer, BUYER_NAME, false);
    }

    /// The lines table's header row, at `self.y`.
    fn table_head(&mut self) {
        let t = self.t;
        let top = self.y;
        self.ops().push(Op::Band {
            x: LEFT,
            y: top,
            w: RIGHT - LEFT,
            h: 18.0,
            color: BAND,
        });
        let y = top + 12.0;
        self.text(LEFT + 6.0, y, t.pdf_description, TABLE_HEAD);
        self.text_right(QTY_RIGHT, y, t.pdf_quantity, TABLE_HEAD);
        self.text_right(PRICE_RIGHT, y, t.pdf_unit_price, TABLE_HEAD);
        self.text_right(RIGHT - 6.0, y, t.pdf_amount, TABLE_HEAD);
        self.y = top + 18.0;
    }

    /// One day, or two days as a range; a range that is too wide breaks
    /// after its first day (a line break in the text).
    fn dates(&self, (from, to): (NaiveDate, NaiveDate), style: Style, width: f32) -> String {
        let lang = self.doc.lang;
        if from == to {
            return lang.long_date(from);
        }
        let to = lang.long_date(to);
        let range = fill(self.t.pdf_date_range, &[&lang.long_date(from), &to]);
        match range.rfind(&to) {
            Some(at) if self.faces.width(&range, style) > width => {
                format!("{}\n{}", range[..at].trim_end(), &range[at..])
            }
            _ => range,
        }
    }

    /// The lines table: a row a line, the description wrapped (at most
    /// [`MAX_DESCRIPTION_LINES`], the last cut with "…"), the period under
    /// it; a row that does not fit starts a new page, under the header again.
    fn lines(&mut self) {
        let (doc, lang) = (self.doc, self.doc.lang);
        self.table_head();
        let width = DESC_RIGHT - LEFT - 6.0;
        for line in &doc.lines {
            let mut description = self.faces.wrap(&line.description, BODY, width);
            if description.len() > MAX_DESCRIPTION_LINES {
                let rest = description[MAX_DESCRIPTION_LINES - 1..].join(" ");
                description.truncate(MAX_DESCRIPTION_LINES - 1);
                description.push(self.faces.fit(&rest, BODY, width).text);
            }
            let period = line
                .period
                .map(|days| {
                    self.faces
                        .wrap(&self.dates(days, SMALL, width), SMALL, width)
                })
                .unwrap_or_default();
            let row = |this: &mut Self| {
                let mut y = this.y + 11.0;
                let first = y;
                for (i, text) in description.iter().enumerate() {
                    if i > 0 {
                        y += TABLE_LEADING;
                    }
                    this.text(LEFT + 6.0, y, text, BODY);
                }
                for text in &period {
                    y += SMALL.size + 2.0;
                    this.text(LEFT + 6.0, y, text, SMALL);
                }
                this.text_right(QTY_RIGHT, first, &line.quantity.to_string(), BODY);
                this.text_right(PRICE_RIGHT, first, &lang.money(line.unit_cents), BODY);
                this.text_right(RIGHT - 6.0, first, &lang.money(line.amount_cents), BODY);
                let bottom = y + 5.0;
                this.rule(LEFT, RIGHT, bottom, 0.4, RULE);
                bottom
            };
            self.keep_together(&row, &|this| this.table_head());
        }
    }

    /// Subtotal, one row per VAT rate, the total and the VAT note, in the
    /// right-hand column from `top`; where they end.
    fn totals(&mut self, top: f32) -> f32 {
        let (doc, t, lang) = (self.doc, self.t, self.doc.lang);
        let mut y = top + 12.0;
        let label_width = RIGHT - RIGHT_BLOCK - 90.0;
        let row = |this: &mut Self, y: &mut f32, label: &str, cents: i64| {
            let start = *y;
            for line in this.faces.wrap(label, BODY, label_width) {
                this.text(RIGHT_BLOCK, *y, &line, BODY);
                *y += LEADING;
            }
            this.text_right(RIGHT - 6.0, start, &lang.money(cents), BODY);
            *y += 3.5;
        };
        row(self, &mut y, t.pdf_subtotal, doc.subtotal_cents);
        for vat in &doc.vat {
            let label = fill(
                t.pdf_vat_row,
                &[
                    &glued(&percent(lang, t, vat.rate_bp)),
                    &glued(&lang.money(vat.net_cents)),
                ],
            );
            row(self, &mut y, &label, vat.vat_cents);
        }
        y -= 4.0;
        self.rule(RIGHT_BLOCK, RIGHT, y, 0.8, INK);
        y += 16.0;
        self.text(RIGHT_BLOCK, y, t.pdf_total, TOTAL);
        self.text_right(RIGHT - 6.0, y, &lang.money(doc.total_cents), TOTAL);
        if let Some(note) = &doc.vat_note {
            y += 8.0;
            for line in self.faces.wrap(note, BODY_BOLD, RIGHT - RIGHT_BLOCK) {
                y += LEADING;
                self.text(RIGHT_BLOCK, y, &line, BODY_BOLD);
            }
        }
        y + 6.0
    }

    /// How to pay, in the left-hand column from `top`: the sentence, then
    /// IBAN, BIC, the account's holder and the payment reference; where it
    /// ends.
    fn payment(&mut self, top: f32) -> f32 {
        let (doc, t, lang) = (self.doc, self.t, self.doc.lang);
        let width = RIGHT_BLOCK - LEFT - 28.0;
        let sentence = match &doc.kind {
            DocKind::Invoice if doc.total_cents <= 0 => t.pdf_nothing_to_pay.to_string(),
            DocKind::Invoice => fill(
                t.pdf_pay_before,
                &[
                    &glued(&lang.money(doc.total_cents)),
                    &glued(&lang.long_date(doc.due_on)),
                    &glued(&doc.payment_reference),
                ],
            ),
            DocKind::CreditNote { .. } => fill(
                t.pdf_credit_settle,
                &[
                    &glued(&lang.money(doc.total_cents.abs())),
                    &glued(&lang.long_date(doc.due_on)),
                    &glued(&doc.payment_reference),
                ],
            ),
        };
        let mut y = top + 12.0;
        self.text(LEFT, y, t.pdf_payment, HEADING);
        y = self.paragraph(LEFT, y + 16.0, &sentence, BODY, width) + 4.0;
        let rows = [
            (t.pdf_iban, doc.seller_iban.as_str()),
            (t.pdf_bic, doc.seller_bic.as_str()),
            (t.pdf_account_holder, doc.seller.legal_name.as_str()),
            (t.pdf_payment_reference, doc.payment_reference.as_str()),
        ];
        let label_width = rows
            .iter()
            .map(|(label, _)| self.faces.width(label, LABEL))
            .fold(0.0, f32::max);
        let x = LEFT + label_width + 10.0;
        for (label, value) in rows {
            self.text(LEFT, y, label, LABEL);
            y = self.paragraph(x, y, value, BODY, LEFT + width - x);
        }
        y
    }
}

/// "Factuur" or "Creditnota" in the document's language.
fn title(doc: &InvoiceDoc) -> &'static str {
    let t = doc.lang.t();
    match doc.kind {
        DocKind::Invoice => t.pdf_invoice,
        DocKind::CreditNote { .. } => t.pdf_credit_note,
    }
}

/// The footer: seller · KvK · VAT id · IBAN.
fn footer_text(doc: &InvoiceDoc) -> String {
    let t = doc.lang.t();
    let mut parts = vec![doc.seller.legal_name.clone()];
    if let Some(kvk) = &doc.seller.kvk_number {
        parts.push(format!("{} {kvk}", t.pdf_kvk));
    }
    if let Some(vat) = &doc.seller.vat_id {
        parts.push(format!("{} {vat}", t.pdf_vat_id));
    }
    parts.push(format!("{} {}", t.pdf_iban, doc.seller_iban));
    parts.join("  ·  ")
}

/// A VAT rate in basis points as people write it: "21 %", "5,5 %" / "21%",
/// "5.5%".
pub fn percent(lang: Lang, t: &Messages, bp: i64) -> String {
    let whole = bp / 100;
    let rest = (bp % 100).abs();
    let number = if rest == 0 {
        whole.to_string()
    } else {
        let decimals = format!("{rest:02}");
        let separator = match lang {
            Lang::Nl => ',',
            Lang::En => '.',
        };
        format!("{whole}{separator}{}", decimals.trim_end_matches('0'))
    };
    fill(t.pdf_percent, &[&number])
}

fn fill_of(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::Command;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A party: name, street, postal code, city, country; VAT id, KvK.
    fn party([name, street, postal, city, country]: [&str; 5], vat: &str, kvk: &str) -> Party {
        let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
        Party {
            legal_name: name.into(),
            address_line: street.into(),
            postal_code: postal.into(),
            city: city.into(),
            country: country.into(),
            vat_id: some(vat),
            kvk_number: some(kvk),
            email: Some(format!("billing@{}.example", postal.replace(' ', ""))),
        }
    }

    /// A Dutch invoice to a Dutch company: 21 % VAT, a coupon line, an
    /// amount over a thousand euros.
    fn dutch() -> InvoiceDoc {
        InvoiceDoc {
            lang: Lang::Nl,
            kind: DocKind::Invoice,
            number: "F2026-0042".into(),
            issued_on: day(2026, 12, 5),
            due_on: day(2026, 12, 19),
            supply: (day(2026, 12, 1), day(2026, 12, 31)),
            seller: party(
                [
                    "Portaal Software B.V.",
                    "Keizersgracht 123",
                    "1015 CJ",
                    "Amsterdam",
                    "Nederland",
                ],
                "NL859123456B01",
                "81234567",
            ),
            seller_logo: None,
            seller_iban: "NL91ABNA0417164300".into(),
            seller_bic: "ABNANL2A".into(),
            buyer: party(
                [
                    "Bakkerij De Graaf B.V.",
                    "Dorpsstraat 7",
                    "3811 AB",
                    "Amersfoort",
                    "Nederland",
                ],
                "NL001234567B89",
                "30123456",
            ),
            lines: vec![
                DocLine {
                    description: "Abonnement Team, 5 gebruikers".into(),
                    period: Some((day(2026, 12, 1), day(2026, 12, 31))),
                    quantity: 5,
                    unit_cents: 1_250,
                    amount_cents: 6_250,
                },
                DocLine {
                    description: "Module Vergaderingen".into(),
                    period: Some((day(2026, 12, 1), day(2026, 12, 31))),
                    quantity: 2,
                    unit_cents: 61_728,
                    amount_cents: 123_456,
                },
                DocLine {
                    description: "Korting WELKOM10".into(),
                    period: None,
                    quantity: 1,
                    unit_cents: -12_971,
                    amount_cents: -12_971,
                },
            ],
            subtotal_cents: 116_735,
            vat: vec![VatRow {
                rate_bp: 2100,
                net_cents: 116_735,
                vat_cents: 24_514,
            }],
            total_cents: 141_249,
            vat_note: None,
            payment_reference: "RF18 5390 0754 7034".into(),
        }
    }

    /// An English invoice to a German company: VAT reverse charged.
    fn english() -> InvoiceDoc {
        let mut doc = dutch();
        doc.lang = Lang::En;
        doc.number = "F2026-0043".into();
        doc.seller.country = "Netherlands".into();
        doc.buyer = party(
            [
                "Bäckerei Müller GmbH",
                "Hauptstraße 5",
                "10115",
                "Berlin",
                "Germany",
            ],
            "DE123456789",
            "",
        );
        doc.lines[0].description = "Team subscription, 5 users".into();
        doc.lines[1].description = "Meetings module".into();
        doc.lines[2].description = "Discount WELCOME10".into();
        doc.vat = vec![VatRow {
            rate_bp: 0,
            net_cents: 116_735,
            vat_cents: 0,
        }];
        doc.total_cents = 116_735;
        doc.vat_note = Some("VAT reverse charged".into());
        doc.payment_reference = "RF71 4821 0001 6".into();
        doc
    }

    /// A Dutch credit note of the Dutch invoice.
    fn credit_note() -> InvoiceDoc {
        let mut doc = dutch();
        doc.kind = DocKind::CreditNote {
            credits: "F2026-0042".into(),
        };
        doc.number = "C2026-0003".into();
        doc.issued_on = day(2026, 12, 8);
        doc.due_on = day(2026, 12, 22);
        for line in &mut doc.lines {
            line.unit_cents = -line.unit_cents;
            line.amount_cents = -line.amount_cents;
        }
        doc.subtotal_cents = -116_735;
        doc.vat[0].net_cents = -116_735;
        doc.vat[0].vat_cents = -24_514;
        doc.total_cents = -141_249;
        doc
    }

    /// A Dutch invoice of sixty one-line lines.
    fn sixty_lines() -> InvoiceDoc {
        let mut doc = dutch();
        doc.lines = (1..=60)
            .map(|i| DocLine {
                description: format!("Extra gebruiker {i}"),
                period: None,
                quantity: 1,
                unit_cents: 1_000 + i,
                amount_cents: 1_000 + i,
            })
            .collect();
        doc
    }

    const LONG: &str = "Implementation support: migrating the customer records, the \
                        meeting rooms and the members of three locations, including \
                        a review of the imported data with the office manager";
    const WORD: &str = "Supercalifragilisticexpialidocious-without-any-space-at-all-0123456789";

    /// An English invoice with a long description, a word wider than the
    /// column, a description too long to show whole, and a long VAT note.
    fn long_texts() -> InvoiceDoc {
        let mut doc = english();
        doc.lines[0].description = LONG.into();
        doc.lines[1].description = WORD.into();
        doc.lines[2].description = "endless ".repeat(200) + "unseen";
        doc.vat_note = Some(
            "VAT reverse charged: the customer accounts for the VAT (Article 196, \
             Directive 2006/112/EC)"
                .into(),
        );
        doc
    }

    /// The file's text as `pdftotext -layout` reads it. Without poppler-utils
    /// this fails: the test is not skipped.
    fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
        let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
        file.write_all(pdf).unwrap();
        let out = Command::new(tool)
            .args(args)
            .arg(file.path())
            .args(if tool == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{tool} is needed (apt-get install -y poppler-utils): {e}"));
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn text_of(pdf: &[u8]) -> String {
        poppler("pdftotext", pdf, &["-layout", "-enc", "UTF-8"])
    }

    /// A 1×1 PNG.
    const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    #[test]
    fn the_sellers_logo_is_drawn_and_a_broken_one_refused() {
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .unwrap();
        assert!(logo_decodes(&png, "image/png"));
        // A PNG's header with the picture cut off, or PNG bytes called JPEG.
        assert!(!logo_decodes(&png[..40], "image/png"));
        assert!(!logo_decodes(&png, "image/jpeg"));
        let mut doc = dutch();
        doc.seller_logo = Some(DocLogo {
            bytes: png,
            jpeg: false,
            width: 300,
            height: 100,
        });
        let (pdf, _) = complete(&doc);
        // One image (its transparency is a mask beside it, not an image).
        let images = |pdf: &[u8]| {
            poppler("pdfimages", pdf, &["-list"])
                .lines()
                .filter(|l| l.split_whitespace().nth(2) == Some("image"))
                .count()
        };
        assert_eq!(images(&pdf), 1);
        // Without a logo: no image at all.
        let (plain, _) = complete(&dutch());
        assert_eq!(images(&plain), 0);
    }

    fn pages_of(pdf: &[u8]) -> usize {
        let info = poppler("pdfinfo", pdf, &[]);
        info.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count in {info}"))
    }

    fn assert_has(text: &str, wanted: &[&str]) {
        for w in wanted {
            assert!(text.contains(w), "{w:?} is missing from:\n{text}");
        }
    }

    /// The document rendered, and its text, which shows what every document
    /// must show, in its own language's formats.
    fn complete(doc: &InvoiceDoc) -> (Vec<u8>, String) {
        let pdf = render(doc).unwrap();
        let text = text_of(&pdf);
        let lang = doc.lang;
        let mut wanted = vec![
            doc.number.clone(),
            lang.long_date(doc.issued_on),
            lang.long_date(doc.due_on),
            doc.seller.legal_name.clone(),
            doc.buyer.legal_name.clone(),
            doc.seller.vat_id.clone().unwrap(),
            doc.buyer.vat_id.clone().unwrap(),
            doc.seller.kvk_number.clone().unwrap(),
            doc.seller_iban.clone(),
            doc.seller_bic.clone(),
            doc.payment_reference.clone(),
            lang.money(doc.subtotal_cents),
            lang.money(doc.total_cents),
        ];
        for line in &doc.lines {
            wanted.push(line.description.clone());
            wanted.push(lang.money(line.amount_cents));
        }
        for vat in &doc.vat {
            wanted.push(lang.money(vat.vat_cents));
        }
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        assert_has(&text, &wanted);
        (pdf, text)
    }

    #[test]
    fn a_dutch_invoice_reads_in_dutch() {
        let (pdf, text) = complete(&dutch());
        assert!(pdf.starts_with(b"%PDF-"));
        assert_has(
            &text,
            &[
                "Factuur",
                "Factuurnummer",
                "Factuurdatum",
                "5 december 2026",
                "Vervaldatum",
                "19 december 2026",
                "Leverperiode",
                "1 december 2026 –",
                "31 december 2026",
                "Aan",
                "BTW-nummer",
                "KvK",
                "30123456",
                "Omschrijving",
                "Aantal",
                "Prijs",
                "Bedrag",
                "€ 617,28",
                "€ 1.234,56",
                "-€ 129,71",
                "Subtotaal",
                "€ 1.167,35",
                "BTW 21 % over € 1.167,35",
                "€ 245,14",
                "Totaal",
                "€ 1.412,49",
                "Gelieve € 1.412,49 te betalen vóór",
                "Betalingskenmerk",
                // pdftotext reads the footer's double spaces as one.
                "Portaal Software B.V. · KvK 81234567 · BTW-nummer NL859123456B01 · IBAN NL91ABNA0417164300",
            ],
        );
        assert!(!text.contains("Pagina"), "one page needs no page number");
        assert_eq!(pages_of(&pdf), 1);
    }

    #[test]
    fn an_english_invoice_reads_in_english_with_the_reverse_charge_note() {
        let (_, text) = complete(&english());
        assert_has(
            &text,
            &[
                "Invoice",
                "Invoice number",
                "Invoice date",
                "5 December 2026",
                "Due date",
                "19 December 2026",
                "Period of supply",
                "Bill to",
                "Bäckerei Müller GmbH",
                "Hauptstraße 5",
                "VAT number",
                "Description",
                "Unit price",
                "€1,234.56",
                "-€129.71",
                "Subtotal",
                "VAT 0% on €1,167.35",
                "Total",
                "€1,167.35",
                "VAT reverse charged",
                "Please pay €1,167.35 by",
                "Payment reference",
            ],
        );
        assert!(!text.contains("Factuur"));
    }

    #[test]
    fn a_credit_note_names_the_invoice_it_credits() {
        let (_, text) = complete(&credit_note());
        assert_has(
            &text,
            &[
                "Creditnota",
                "Creditnota voor factuur F2026-0042",
                "Creditnotanummer",
                "-€ 1.412,49",
                "BTW 21 % over -€ 1.167,35",
                "Het bedrag van € 1.412,49 wordt uiterlijk",
            ],
        );
        assert!(!text.contains("Gelieve"));
    }

    #[test]
    fn sixty_lines_continue_on_a_second_page() {
        let doc = sixty_lines();
        let pdf = render(&doc).unwrap();
        assert_eq!(pages_of(&pdf), 2);
        let text = text_of(&pdf);
        assert_has(
            &text,
            &[
                "Extra gebruiker 1 ",
                "Extra gebruiker 60",
                "€ 10,60",
                "Pagina 1 van 2",
                "Pagina 2 van 2",
                "Factuur F2026-0042 (vervolg)",
                "Totaal",
            ],
        );
        // The table's header stands on both pages.
        assert_eq!(text.matches("Omschrijving").count(), 2);
    }

    #[test]
    fn long_descriptions_wrap_within_their_column() {
        let doc = long_texts();
        let (long, word) = (LONG, WORD);
        let pdf = render(&doc).unwrap();
        let text = text_of(&pdf);
        assert_has(
            &text,
            &[
                "Implementation support",
                "office manager",
                "Supercalif",
                "0123456789",
                "endless endless…",
                "VAT reverse charged: the",
                "2006/112/EC)",
            ],
        );
        // Wrapped: no line of the description carries it all; the endless
        // one is cut after its twelfth line.
        assert!(!text.lines().any(|l| l.contains(long)));
        assert!(!text.contains("unseen"));
        assert_eq!(text.lines().filter(|l| l.contains("endless")).count(), 12);
        // Nothing of the description runs into the amount columns.
        let faces = FACES.as_ref().unwrap();
        let width = DESC_RIGHT - LEFT - 6.0;
        let pieces = faces.wrap(word, BODY, width);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), word);
        for line in pieces {
            assert!(faces.width(&line, BODY) <= width);
        }
    }

    #[test]
    fn vat_rates_and_cut_text() {
        let (nl, en) = (Lang::Nl.t(), Lang::En.t());
        assert_eq!(percent(Lang::Nl, nl, 2100), "21 %");
        assert_eq!(percent(Lang::En, en, 2100), "21%");
        assert_eq!(percent(Lang::Nl, nl, 550), "5,5 %");
        assert_eq!(percent(Lang::En, en, 925), "9.25%");
        assert_eq!(percent(Lang::Nl, nl, 0), "0 %");
        let faces = FACES.as_ref().unwrap();
        let cut = faces.fit("A rather long name that cannot fit", BODY, 60.0);
        assert!(cut.width <= 60.0 && cut.text.ends_with('…'), "{}", cut.text);
        // A glued phrase breaks as a whole, and its spaces come back.
        let text = format!("Please pay {} today", glued("€ 1.234,56"));
        let width = faces.width("Please pay € 1.234", BODY);
        assert_eq!(
            faces.wrap(&text, BODY, width),
            ["Please pay", "€ 1.234,56 today"]
        );
    }

    /// Writes the samples to the temporary folder, to look at:
    /// `cargo test --lib invoice_pdf::tests::samples -- --ignored`, then
    /// `pdftoppm -png -r 80 /tmp/invoice-nl.pdf /tmp/invoice-nl`.
    #[test]
    #[ignore = "writes files to look at"]
    fn samples() {
        for (name, doc) in [
            ("nl", dutch()),
            ("wrap", long_texts()),
            ("en", english()),
            ("credit", credit_note()),
            ("long", sixty_lines()),
        ] {
            let path = std::env::temp_dir().join(format!("invoice-{name}.pdf"));
            std::fs::write(&path, render(&doc).unwrap()).unwrap();
            println!("{}", path.display());
        }
    }

    /// `cargo test --release --lib invoice_pdf::tests::bench -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement: run it in a release build"]
    fn bench_render_200_invoices() {
        let docs = [dutch(), english(), credit_note()];
        render(&docs[0]).unwrap(); // the fonts load once
        let start = std::time::Instant::now();
        let mut bytes = 0;
        for i in 0..200 {
            bytes += render(&docs[i % docs.len()]).unwrap().len();
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / 200.0;
        println!(
            "invoice pdf: {ms:.2} ms per invoice, {} bytes on average",
            bytes / 200
        );
    }
}
