//! Reading an upload (a logo, an icon) from a multipart body, bounded.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::error::{AppError, ErrorCode};

/// Read the `file` part of a multipart upload, at most `limit` bytes. A larger
/// upload is read to its end (so the client gets an answer, not a reset
/// connection, up to a hard cap) and reported as too large.
pub async fn read_upload(
    mut payload: Multipart,
    limit: usize,
) -> Result<Result<Vec<u8>, ErrorCode>, AppError> {
    let hard_cap = limit.saturating_mul(16);
    let mut seen = 0usize;
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let is_file = field.name() == Some("file");
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
            file = Some(buf);
        }
    }
    if too_large {
        return Ok(Err(ErrorCode::FileTooLarge((limit / 1024) as u64)));
    }
    match file {
        Some(bytes) if !bytes.is_empty() => Ok(Ok(bytes)),
        _ => Ok(Err(ErrorCode::Required)),
    }
}
