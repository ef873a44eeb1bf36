//! A blocking API for apps without an async runtime (desktop GUIs, build scripts, plugins).
//!
//! [`BlockingProvider`] wraps any `Arc<dyn LicenseProvider>` (or `Arc<dyn LicenseAdmin>`, whose
//! admin operations it then offers too) together with its own small current-thread tokio runtime
//! and offers the same operations as plain `fn`s.
//!
//! Calling it from inside an async runtime (a `#[tokio::main]` app, a task) would block that
//! runtime's thread, so it refuses instead: every operation answers a
//! [`LicenseError`] of kind [`ErrorKind::Config`](crate::ErrorKind::Config) and never panics. In
//! async code, `.await` the provider itself.
//!
//! ```
//! use keyward::blocking::BlockingProvider;
//! use keyward::{LicenseError, LicenseProvider, ValidateRequest};
//! use std::sync::Arc;
//!
//! // Called from a plain `fn main`, a GUI's event handler or a build script.
//! fn is_valid(provider: Arc<dyn LicenseProvider>, key: &str) -> Result<bool, LicenseError> {
//!     let provider = BlockingProvider::new(provider)?;
//!     Ok(provider.validate(ValidateRequest::new(key))?.is_valid())
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, CreateRequest, DeactivateRequest, Instance,
    InstancesRequest, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider, ListRequest, Page,
    Provider, UpdateRequest, ValidateRequest, ValidationOutcome,
};
use tokio::runtime::{Builder, Handle, Runtime};

/// A small current-thread runtime that refuses to block inside another runtime.
struct Blocker {
    /// Always `Some` until dropped (taken in `Drop` to shut it down without blocking).
    runtime: Option<Runtime>,
}

impl Blocker {
    fn new() -> Result<Self, LicenseError> {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LicenseError::config(format!("could not start a runtime: {e}")))?;
        Ok(Self {
            runtime: Some(runtime),
        })
    }

    fn run<T>(&self, future: impl Future<Output = T>) -> Result<T, LicenseError> {
        if Handle::try_current().is_ok() {
            return Err(LicenseError::config(
                "the blocking API was called inside an async runtime; await the provider instead",
            ));
        }
        match &self.runtime {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(LicenseError::config("the blocking runtime has shut down")),
        }
    }
}

impl Drop for Blocker {
    /// Shuts the runtime down without blocking, so dropping inside async code does not panic.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A [`LicenseProvider`] driven to completion on its own current-thread runtime; over a
/// [`LicenseAdmin`] (`BlockingProvider<dyn LicenseAdmin>`) it offers the admin operations too.
pub struct BlockingProvider<P: ?Sized = dyn LicenseProvider> {
    inner: Arc<P>,
    blocker: Blocker,
}

impl BlockingProvider {
    /// Wraps `inner` with a new current-thread runtime (I/O and timers on).
    pub fn new(inner: Arc<dyn LicenseProvider>) -> Result<Self, LicenseError> {
        Ok(Self {
            inner,
            blocker: Blocker::new()?,
        })
    }
}

impl BlockingProvider<dyn LicenseAdmin> {
    /// Wraps an admin provider with a new current-thread runtime: the app-side operations and
    /// the admin ones.
    pub fn new_admin(inner: Arc<dyn LicenseAdmin>) -> Result<Self, LicenseError> {
        Ok(Self {
            inner,
            blocker: Blocker::new()?,
        })
    }
}

impl<P: LicenseProvider + ?Sized> BlockingProvider<P> {
    /// The wrapped provider, for async code.
    pub fn inner(&self) -> &Arc<P> {
        &self.inner
    }

    /// Which provider this is.
    pub fn provider(&self) -> Provider {
        self.inner.provider()
    }

    /// What this provider supports.
    pub fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    /// Checks a key; an invalid key is `Ok(Invalid { .. })`.
    pub fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        self.run(self.inner.validate(request))
    }

    /// Activates a key; a refusal is `Ok(Refused { .. })`.
    pub fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        self.run(self.inner.activate(request))
    }

    /// Frees an activation.
    pub fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        self.run(self.inner.deactivate(request))
    }

    fn run<T>(
        &self,
        future: impl Future<Output = Result<T, LicenseError>>,
    ) -> Result<T, LicenseError> {
        self.blocker.run(future)?
    }
}

impl<P: LicenseAdmin + ?Sized> BlockingProvider<P> {
    /// Fetches one license by the provider's id.
    pub fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        self.run(self.inner.get(id))
    }

    /// Lists licenses, one page at a time.
    pub fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        self.run(self.inner.list(request))
    }

    /// Creates or imports a license.
    pub fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        self.run(self.inner.create(request))
    }

    /// Changes a license.
    pub fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        self.run(self.inner.update(request))
    }

    /// Lists a license's activations.
    pub fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        self.run(self.inner.instances(request))
    }
}

impl<P: fmt::Debug + ?Sized> fmt::Debug for BlockingProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingProvider")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// A [`Guard`](crate::Guard) for apps that are not async: the same checks as plain `fn`s, on
/// its own current-thread runtime (background revalidation needs an async runtime and is left
/// out: call [`check_if_due`](Self::check_if_due) at start and now and then). Inside an async
/// runtime each check answers a `Config` error, like [`BlockingProvider`]'s operations.
#[cfg(feature = "guard")]
#[cfg_attr(docsrs, doc(cfg(feature = "guard")))]
pub struct BlockingGuard {
    guard: crate::Guard,
    blocker: Blocker,
}

#[cfg(feature = "guard")]
impl BlockingGuard {
    /// Wraps `guard` with a new current-thread runtime.
    pub fn new(guard: crate::Guard) -> Result<Self, LicenseError> {
        Ok(Self {
            guard,
            blocker: Blocker::new()?,
        })
    }

    /// The wrapped guard, for async code.
    pub fn guard(&self) -> &crate::Guard {
        &self.guard
    }

    /// [`Guard::check`](crate::Guard::check): asks the provider, decides, stores.
    pub fn check(&self) -> Result<crate::Verdict, LicenseError> {
        self.blocker.run(self.guard.check())
    }

    /// [`Guard::check_if_due`](crate::Guard::check_if_due): online only when due; for app start.
    pub fn check_if_due(&self) -> Result<crate::Verdict, LicenseError> {
        self.blocker.run(self.guard.check_if_due())
    }

    /// [`Guard::verdict`](crate::Guard::verdict): from the stored state, no network, no runtime.
    pub fn verdict(&self) -> crate::Verdict {
        self.guard.verdict()
    }
}

#[cfg(feature = "guard")]
impl fmt::Debug for BlockingGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingGuard")
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}
