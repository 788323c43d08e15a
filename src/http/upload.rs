//! Reading an upload (a logo, an icon, a bank statement) from a multipart
//! body, bounded.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{AppError, ErrorCode};

/// An uploaded file: the name the browser gave it (for the record only:
/// it proves nothing about the contents) and its bytes.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Read the `file` part of a multipart upload, at most `limit` bytes. A larger
/// upload is read to its end (so the client gets an answer, not a reset
/// connection, up to a hard cap) and reported as too large.
pub async fn read_upload(
    payload: Multipart,
    limit: usize,
) -> Result<Result<Vec<u8>, ErrorCode>, AppError> {
    Ok(read_file(payload, limit).await?.map(|u| u.bytes))
}

/// [`read_upload`], with the file's name.
pub async fn read_file(
    mut payload: Multipart,
    limit: usize,
) -> Result<Result<Upload, ErrorCode>, AppError> {
    let hard_cap = limit.saturating_mul(16);
    let mut seen = 0usize;
    let mut file: Option<Upload> = None;
    let mut too_large = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let is_file = field.name() == Some("file");
        let file_name: String = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
            seen += chunk.len();
            if seen > hard_cap {
                return Err(AppError::PayloadTooLarge);
            }
            if is_file && !too_large {
                if buf.len() + chunk.len() > limit {
                    too_large = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(&chunk);
                }
            }
        }
        if is_file && file.is_none() {
            file = Some(Upload {
                file_name,
                bytes: buf,
            });
        }
    }
    if too_large {
        return Ok(Err(ErrorCode::FileTooLarge((limit / 1024) as u64)));
    }
    match file {
        Some(upload) if !upload.bytes.is_empty() => Ok(Ok(upload)),
        _ => Ok(Err(ErrorCode::Required)),
    }
}
