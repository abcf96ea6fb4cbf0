//! Per-instance resource limits: one budget for everything a store allocates.
//!
//! wasmtime's stock `StoreLimits` bounds each linear memory on its own, so a component with N
//! core instances or memories gets N times `--max-memory`. [`InstanceLimits`] sums every
//! memory and table of the store (an invocation's whole component) against one budget, and
//! bounds how many instances, memories and tables it may create and how large a table grows.

use wasmtime::ResourceLimiter;

/// Core instances one invocation may create (a Rust component has a handful).
pub const MAX_INSTANCES: usize = 100;
/// Linear memories one invocation may create.
pub const MAX_MEMORIES: usize = 16;
/// Tables one invocation may create.
pub const MAX_TABLES: usize = 64;
/// Elements in one table.
pub const MAX_TABLE_ELEMENTS: usize = 20_000;
/// What one table element costs against the memory budget (a pointer, as wasmtime stores it).
const TABLE_ELEMENT_BYTES: usize = std::mem::size_of::<usize>();

/// The limiter of one store.
#[derive(Debug)]
pub struct InstanceLimits {
    budget: usize,
    used: usize,
}

impl InstanceLimits {
    /// `budget` bytes for all memories and tables together.
    pub fn new(budget: u64) -> InstanceLimits {
        InstanceLimits {
            budget: usize::try_from(budget).unwrap_or(usize::MAX),
            used: 0,
        }
    }

    /// Bytes granted so far.
    pub fn used(&self) -> usize {
        self.used
    }

    fn take(&mut self, more: usize) -> bool {
        match self.used.checked_add(more) {
            Some(total) if total <= self.budget => {
                self.used = total;
                true
            }
            _ => false,
        }
    }
}

impl ResourceLimiter for InstanceLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Called for a memory's creation too (current 0), so the sum covers every memory.
        Ok(self.take(desired.saturating_sub(current)))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            return Ok(false);
        }
        Ok(self.take(
            desired
                .saturating_sub(current)
                .saturating_mul(TABLE_ELEMENT_BYTES),
        ))
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_memory_and_table_counts_against_one_budget() {
        let mut limits = InstanceLimits::new(1 << 20);
        assert!(limits.memory_growing(0, 600 << 10, None).unwrap());
        // A second memory of the same size would pass a per-memory limit; not this one.
        assert!(!limits.memory_growing(0, 600 << 10, None).unwrap());
        assert!(limits.memory_growing(0, 300 << 10, None).unwrap());
        assert!(limits.table_growing(0, 1000, None).unwrap());
        assert!(
            !limits
                .table_growing(0, MAX_TABLE_ELEMENTS + 1, None)
                .unwrap()
        );
        assert!(limits.used() <= 1 << 20);
    }
}
