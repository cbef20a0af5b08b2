//! A laid-out document of pages (a receipt, a bill, a statement, the
//! recovery sheet): as one PDF, or each page as a PNG image for a preview.

use serde::Serialize;
use typst_layout::PagedDocument;

use crate::{compile, layout_error, pdf_of, png_of, PrintError};

/// Pages laid out by Typst, ready to save or show.
pub struct Printed {
    pub(crate) document: PagedDocument,
}

impl Printed {
    /// Lays out `template` with `data` handed to it as JSON (never as markup).
    pub(crate) fn lay_out(template: &str, data: &impl Serialize) -> Result<Printed, PrintError> {
        let json = serde_json::to_vec(data).map_err(layout_error)?;
        Ok(Printed {
            document: compile(template, json)?,
        })
    }

    pub fn pdf(&self) -> Result<Vec<u8>, PrintError> {
        pdf_of(&self.document)
    }

    /// The first page as a PNG image at `ppi` pixels per inch (96 for a screen).
    pub fn png(&self, ppi: f32) -> Result<Vec<u8>, PrintError> {
        self.png_page(0, ppi)
    }

    /// Page `index` as a PNG image.
    pub fn png_page(&self, index: usize, ppi: f32) -> Result<Vec<u8>, PrintError> {
        png_of(&self.document, index, ppi)
    }

    /// Every page as PNG.
    pub fn png_pages(&self, ppi: f32) -> Result<Vec<Vec<u8>>, PrintError> {
        (0..self.page_count()).map(|i| self.png_page(i, ppi)).collect()
    }

    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }
}
