//! The organisation's logo and icon: the bytes decide the type (PNG, JPEG or
//! WebP; never the file name or the declared type), the dimensions are read
//! from the image itself, the icon must be square, and the image is stored in
//! the database so every instance serves it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::crypto;
use crate::db::schema::organization_images;
use crate::db::{self, DbConn};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Which image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Logo,
    Icon,
}

impl Kind {
    /// Stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Logo => "logo",
            Kind::Icon => "icon",
        }
    }

    /// From a URL segment.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "logo" => Some(Kind::Logo),
            "icon" => Some(Kind::Icon),
            _ => None,
        }
    }

    /// The most pixels an image of this kind may have: it is decoded and
    /// drawn on every page, whatever its file size.
    pub fn pixel_budget(self) -> u64 {
        match self {
            Kind::Logo => 16_000_000,
            Kind::Icon => 1024 * 1024,
        }
    }

    fn operation(self) -> Operation {
        match self {
            Kind::Logo => Operation::OrganizationLogoUpdate,
            Kind::Icon => Operation::OrganizationIconUpdate,
        }
    }
}

/// What the bytes turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    Some(
        u32::from(*b.get(at)?)
            | (u32::from(*b.get(at + 1)?) << 8)
            | (u32::from(*b.get(at + 2)?) << 16),
    )
}

fn png(b: &[u8]) -> Option<Sniffed> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") || b.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
    Some(Sniffed {
        content_type: "image/png",
        width: w,
        height: h,
    })
}

fn jpeg(b: &[u8]) -> Option<Sniffed> {
    if !b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return None;
    }
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = b[i + 1];
        // Start-of-frame markers carry the size; C4, C8 and CC are not frames.
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let h = be16(b, i + 5)?;
            let w = be16(b, i + 7)?;
            return Some(Sniffed {
                content_type: "image/jpeg",
                width: w,
                height: h,
            });
        }
        if marker == 0xD8 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) || marker == 0xFF {
            i += if marker == 0xFF { 1 } else { 2 };
            continue;
        }
        i += 2 + be16(b, i + 2)? as usize;
    }
    None
}

fn webp(b: &[u8]) -> Option<Sniffed> {
    if b.get(0..4)? != b"RIFF" || b.get(8..12)? != b"WEBP" {
        return None;
    }
    let (w, h) = match b.get(12..16)? {
        b"VP8 " => {
            // Key frame start code, then 14-bit width and height.
            if b.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            (
                u32::from(u16::from_le_bytes([b[26], b[27]]) & 0x3FFF),
                u32::from(u16::from_le_bytes([*b.get(28)?, *b.get(29)?]) & 0x3FFF),
            )
        }
        b"VP8L" => {
            if *b.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        b"VP8X" => (le24(b, 24)? + 1, le24(b, 27)? + 1),
        _ => return None,
    };
    Some(Sniffed {
        content_type: "image/webp",
        width: w,
        height: h,
    })
}

/// Decide the type from the bytes alone. SVG and everything else: `None`.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    png(bytes)
        .or_else(|| jpeg(bytes))
        .or_else(|| webp(bytes))
        .filter(|s| s.width > 0 && s.height > 0 && s.width <= 10_000 && s.height <= 10_000)
}

/// A stored image's description (no bytes).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = organization_images)]
#[serde(rename_all = "camelCase")]
pub struct ImageMeta {
    pub kind: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
    pub byte_size: i32,
    pub updated_at: NaiveDateTime,
}

crate::domain::cache::weigh_by_debug!(ImageMeta);

/// The organisation's images' descriptions.
pub fn metas(conn: &mut DbConn, organization_id: &str) -> QueryResult<Vec<ImageMeta>> {
    organization_images::table
        .filter(organization_images::organization_id.eq(organization_id))
        .select(ImageMeta::as_select())
        .load(conn)
}

/// One image with its bytes (any member may see their organisation's images).
pub fn get(conn: &mut DbConn, actor: &Actor, kind: Kind) -> Result<(ImageMeta, Vec<u8>), AppError> {
    Ok(organization_images::table
        .filter(organization_images::organization_id.eq(&actor.organization_id))
        .filter(organization_images::kind.eq(kind.as_str()))
        .select((ImageMeta::as_select(), organization_images::data))
        .first(conn)?)
}

/// Check and store an upload (replacing the previous one); audited.
pub fn store(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    kind: Kind,
    bytes: &[u8],
) -> Result<ImageMeta, AppError> {
    actor.require(kind.operation())?;
    let field = || -> &'static str { "file" };
    let Some(sniffed) = sniff(bytes) else {
        return Err(AppError::Validation(FieldErrors(vec![(
            field(),
            ErrorCode::ImageType,
        )])));
    };
    if u64::from(sniffed.width) * u64::from(sniffed.height) > kind.pixel_budget() {
        return Err(AppError::Validation(FieldErrors(vec![(
            field(),
            ErrorCode::TooManyPixels {
                icon: kind == Kind::Icon,
            },
        )])));
    }
    if kind == Kind::Icon && sniffed.width != sniffed.height {
        return Err(AppError::Validation(FieldErrors(vec![(
            field(),
            ErrorCode::IconNotSquare,
        )])));
    }
    let org = actor.organization_id.clone();
    let sha = crypto::sha256_hex(bytes);
    db::write(conn, |conn| {
        let before: Option<ImageMeta> = organization_images::table
            .filter(organization_images::organization_id.eq(&org))
            .filter(organization_images::kind.eq(kind.as_str()))
            .select(ImageMeta::as_select())
            .first(conn)
            .optional()?;
        diesel::delete(
            organization_images::table
                .filter(organization_images::organization_id.eq(&org))
                .filter(organization_images::kind.eq(kind.as_str())),
        )
        .execute(conn)?;
        diesel::insert_into(organization_images::table)
            .values((
                organization_images::organization_id.eq(&org),
                organization_images::kind.eq(kind.as_str()),
                organization_images::content_type.eq(sniffed.content_type),
                organization_images::data.eq(bytes),
                organization_images::width.eq(sniffed.width as i32),
                organization_images::height.eq(sniffed.height as i32),
                organization_images::sha256.eq(&sha),
                organization_images::byte_size.eq(bytes.len() as i32),
                organization_images::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after: ImageMeta = organization_images::table
            .filter(organization_images::organization_id.eq(&org))
            .filter(organization_images::kind.eq(kind.as_str()))
            .select(ImageMeta::as_select())
            .first(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                &format!("organization.{}_updated", kind.as_str()),
                "organization",
                Some(&org),
            )
            .values(before.as_ref(), Some(&after)),
        )?;
        Ok(after)
    })
}

/// Remove an image; audited. Removing nothing is harmless.
pub fn remove(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    kind: Kind,
) -> Result<(), AppError> {
    actor.require(kind.operation())?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before: Option<ImageMeta> = organization_images::table
            .filter(organization_images::organization_id.eq(&org))
            .filter(organization_images::kind.eq(kind.as_str()))
            .select(ImageMeta::as_select())
            .first(conn)
            .optional()?;
        let Some(before) = before else {
            return Ok(());
        };
        diesel::delete(
            organization_images::table
                .filter(organization_images::organization_id.eq(&org))
                .filter(organization_images::kind.eq(kind.as_str())),
        )
        .execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(
                Some(&org),
                &format!("organization.{}_removed", kind.as_str()),
                "organization",
                Some(&org),
            )
            .values(Some(&before), None::<&()>),
        )?;
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod samples {
    /// A tiny valid PNG header of `w`×`h` (enough for sniffing).
    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            sniff(&samples::png(64, 32)),
            Some(Sniffed {
                content_type: "image/png",
                width: 64,
                height: 32
            })
        );
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        jpeg.extend_from_slice(&[
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x40, 0x03, 0, 0, 0, 0,
        ]);
        assert_eq!(
            sniff(&jpeg),
            Some(Sniffed {
                content_type: "image/jpeg",
                width: 64,
                height: 32
            })
        );
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.extend_from_slice(&[10, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0, 31, 0, 0]);
        assert_eq!(
            sniff(&webp),
            Some(Sniffed {
                content_type: "image/webp",
                width: 64,
                height: 32
            })
        );
        assert_eq!(
            sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
            None
        );
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(&[]), None);
        assert_eq!(sniff(&samples::png(0, 10)), None);
    }
}
