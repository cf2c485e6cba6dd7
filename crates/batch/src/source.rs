//! Record sources for the reader thread: CSV files, and Parquet files whose
//! rows are rendered as CSV records (so one parser serves both).

use std::fs::File;
use std::io::Read;

use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::ScreenError;
use crate::csv::{RecordReader, write_field};

/// A stream of CSV-shaped records with their line (or row) numbers.
pub(crate) trait Source: Send {
    /// The next record without consuming it.
    fn peek(&mut self) -> Result<Option<(&[u8], u64)>, ScreenError>;
    /// Consumes the peeked record.
    fn advance(&mut self);
    /// Bytes (or rows) consumed, for progress.
    fn consumed(&self) -> u64;
}

impl<R: Read + Send> Source for RecordReader<R> {
    fn peek(&mut self) -> Result<Option<(&[u8], u64)>, ScreenError> {
        RecordReader::peek(self).map_err(ScreenError::Io)
    }
    fn advance(&mut self) {
        RecordReader::advance(self);
    }
    fn consumed(&self) -> u64 {
        self.consumed
    }
}

/// Parquet rows rendered as CSV records; row numbers start at 2 (the
/// header would be line 1), so messages read like the CSV ones.
pub(crate) struct ParquetSource {
    reader: ParquetRecordBatchReader,
    cols: Vec<arrow_array::ArrayRef>,
    rows: usize,
    row: usize,
    line: u64,
    rec: Vec<u8>,
    has: bool,
    done: bool,
}

impl ParquetSource {
    pub(crate) fn open(path: &std::path::Path) -> Result<(Self, Vec<String>), ScreenError> {
        let f = File::open(path).map_err(|e| ScreenError::Open(path.display().to_string(), e))?;
        let b = ParquetRecordBatchReaderBuilder::try_new(f)
            .map_err(|e| ScreenError::Parquet(e.to_string()))?;
        let names = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let reader = b
            .with_batch_size(8192)
            .build()
            .map_err(|e| ScreenError::Parquet(e.to_string()))?;
        Ok((
            ParquetSource {
                reader,
                cols: Vec::new(),
                rows: 0,
                row: 0,
                line: 2,
                rec: Vec::new(),
                has: false,
                done: false,
            },
            names,
        ))
    }
}

impl Source for ParquetSource {
    fn peek(&mut self) -> Result<Option<(&[u8], u64)>, ScreenError> {
        if !self.has {
            while self.row >= self.rows {
                if self.done {
                    return Ok(None);
                }
                match self.reader.next() {
                    None => {
                        self.done = true;
                        return Ok(None);
                    }
                    Some(Err(e)) => return Err(ScreenError::Parquet(e.to_string())),
                    Some(Ok(b)) => {
                        self.cols = b
                            .columns()
                            .iter()
                            .map(|c| arrow_cast::cast(c, &DataType::Utf8))
                            .collect::<Result<_, _>>()
                            .map_err(|e| ScreenError::Parquet(e.to_string()))?;
                        self.rows = b.num_rows();
                        self.row = 0;
                    }
                }
            }
            self.rec.clear();
            for (i, c) in self.cols.iter().enumerate() {
                if i > 0 {
                    self.rec.push(b',');
                }
                let s = c.as_string::<i32>();
                if s.is_valid(self.row) {
                    write_field(&mut self.rec, s.value(self.row).as_bytes());
                }
            }
            self.has = true;
        }
        Ok(Some((&self.rec, self.line)))
    }
    fn advance(&mut self) {
        if self.has {
            self.has = false;
            self.row += 1;
            self.line += 1;
        }
    }
    fn consumed(&self) -> u64 {
        self.line - 2
    }
}
