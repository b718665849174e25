//! What every entry point shares: the panic guard, pointer checks, the
//! error object and C strings made from Rust strings.

use std::any::Any;
use std::ffi::{CStr, CString, c_char};
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::netutil_status;

/// Runs `f`, turning a panic into `on_panic`.
///
/// Catching is sound here: every fallible call builds a new object and
/// publishes it only at the end, and getters only read, so a panic leaves
/// nothing half-changed behind. (`AssertUnwindSafe` says exactly that.)
pub(crate) fn guard<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Turns a pointer from C into a reference.
///
/// # Safety
///
/// `p` is NULL or points to a live `T` that nothing mutates for `'a`.
pub(crate) unsafe fn borrow<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: the caller guarantees `p` is NULL or valid for 'a.
    unsafe { p.as_ref() }
}

/// Turns a pointer from C into a mutable reference.
///
/// # Safety
///
/// `p` is NULL or points to a live `T` that nothing else uses for `'a`.
pub(crate) unsafe fn borrow_mut<'a, T>(p: *mut T) -> Option<&'a mut T> {
    // SAFETY: the caller guarantees `p` is NULL or valid and unaliased for 'a.
    unsafe { p.as_mut() }
}

/// Reads a NUL-terminated string argument.
///
/// # Safety
///
/// `p` is NULL or points to a NUL-terminated string that lives for `'a`.
pub(crate) unsafe fn arg_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-NULL, and the caller guarantees NUL termination and lifetime.
        Some(unsafe { CStr::from_ptr(p) })
    }
}

/// The value a getter returns for a NULL handle, an index out of range or
/// a caught panic: NULL, 0 or false.
pub(crate) trait Absent: Copy {
    /// NULL, 0 or false.
    const ABSENT: Self;
}

impl<T> Absent for *const T {
    const ABSENT: Self = ptr::null();
}

impl Absent for usize {
    const ABSENT: Self = 0;
}

impl Absent for u64 {
    const ABSENT: Self = 0;
}

impl Absent for i32 {
    const ABSENT: Self = 0;
}

impl Absent for bool {
    const ABSENT: Self = false;
}

/// NULL, 0 or false, as the getter's return type wants.
pub(crate) fn absent<R: Absent>() -> R {
    R::ABSENT
}

/// The body of a getter: `SAFETY: "why"`, then `handle => |x| body`, then
/// optionally `else value`.
///
/// It runs `body` with `x` bound to a reference to what the pointer
/// `handle` points to, inside [`guard`]; for a NULL handle or a caught
/// panic the getter returns `value`, or without `else` NULL, 0 or false
/// ([`Absent`]). The `extern "C" fn` signatures stay written out (cbindgen
/// reads them from the source; it does not expand macros); only bodies
/// come from here.
///
/// The `SAFETY` string is required: it says why `handle` is NULL or points
/// to a live object that nothing mutates during the call, which is the one
/// unsafe operation the macro performs (turning the pointer into a
/// reference, in an `unsafe` block of its own). `body` is safe code;
/// anything unsafe it needs (there should be nothing: output pointers are
/// [`Out`]s) takes its own `unsafe` block with its own `// SAFETY:`
/// comment.
macro_rules! getter {
    (SAFETY: $why:literal, $p:ident => |$x:ident| $body:expr $(, else $default:expr)? $(,)?) => {{
        const _SAFETY: &str = $why;
        $crate::ffi::guard($crate::ffi::getter!(@default $($default)?), || {
            // SAFETY: the getter's `SAFETY` argument: `$p` is NULL or
            // points to a live object that nothing mutates during the call.
            match unsafe { $crate::ffi::borrow($p) } {
                Some($x) => $body,
                None => $crate::ffi::getter!(@default $($default)?),
            }
        })
    }};
    (@default) => {
        $crate::ffi::absent()
    };
    (@default $default:expr) => {
        $default
    };
}

pub(crate) use getter;

/// The body of a setter of the options: `SAFETY: "why"`, then
/// `handle => |o| body`, `body` giving the status. Like [`getter`], but
/// `o` is a mutable reference, NULL gives `NETUTIL_STATUS_NULL_ARGUMENT`
/// and a caught panic `NETUTIL_STATUS_PANIC`. The `SAFETY` string says why
/// `handle` is NULL or points to live options that nothing else uses
/// during the call.
macro_rules! setter {
    (SAFETY: $why:literal, $p:ident => |$x:ident| $body:expr $(,)?) => {{
        const _SAFETY: &str = $why;
        $crate::ffi::guard($crate::netutil_status::NETUTIL_STATUS_PANIC, || {
            // SAFETY: the setter's `SAFETY` argument: `$p` is NULL or
            // points to live options that nothing else uses during the call.
            match unsafe { $crate::ffi::borrow_mut($p) } {
                Some($x) => $body,
                None => $crate::netutil_status::NETUTIL_STATUS_NULL_ARGUMENT,
            }
        })
    }};
}

pub(crate) use setter;

/// An output pointer of a C call: NULL, or valid for a write of `T` for as
/// long as the `Out` lives (at most the call). Writing through it is safe:
/// the one unsafe step is making it.
#[derive(Debug)]
pub(crate) struct Out<'a, T> {
    p: *mut T,
    _call: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Wraps an output pointer from C.
    ///
    /// # Safety
    ///
    /// `p` is NULL or valid for a write of `T` while the `Out` lives.
    pub(crate) unsafe fn new(p: *mut T) -> Self {
        Self {
            p,
            _call: PhantomData,
        }
    }

    /// Whether the caller passed NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.p.is_null()
    }

    /// Writes `value`, unless the pointer is NULL.
    pub(crate) fn set(&self, value: T) {
        if !self.p.is_null() {
            // SAFETY: not NULL, so valid for a write by the contract of `new`.
            unsafe { self.p.write(value) };
        }
    }
}

/// A borrowed C string, NULL when absent.
pub(crate) fn opt_ptr(s: Option<&CString>) -> *const c_char {
    s.map_or(ptr::null(), |c| c.as_ptr())
}

/// Item `i` of a list of C strings, NULL when out of range.
pub(crate) fn item_ptr(list: &[CString], i: usize) -> *const c_char {
    opt_ptr(list.get(i))
}

/// An owned error: a status and a message.
#[derive(Debug)]
pub struct netutil_error {
    code: netutil_status,
    message: CString,
}

/// Why a fallible call failed.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: netutil_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: netutil_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        Self::new(
            netutil_status::NETUTIL_STATUS_NULL_ARGUMENT,
            format!("{what} is NULL"),
        )
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    format!("internal error in libappnetutil (a panic: {what}); please report it")
}

/// Runs a fallible call: its status, and the error object in `*err` (when
/// `err` is not NULL; set to NULL on success).
pub(crate) fn fallible(
    err: &Out<'_, *mut netutil_error>,
    f: impl FnOnce() -> Result<(), Failure>,
) -> netutil_status {
    let result = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(Failure::new(
            netutil_status::NETUTIL_STATUS_PANIC,
            panic_message(payload.as_ref()),
        )),
    };
    match result {
        Ok(()) => {
            err.set(ptr::null_mut());
            netutil_status::NETUTIL_STATUS_OK
        }
        Err(f) => {
            if !err.is_null() {
                // Building the error object cannot panic: no NUL survives.
                let message = cstring_lossy(&f.message);
                err.set(Box::into_raw(Box::new(netutil_error {
                    code: f.status,
                    message,
                })));
            }
            f.status
        }
    }
}

/// `s` as a C string, each NUL byte replaced by U+FFFD.
pub(crate) fn cstring_lossy(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// Makes the C strings of a report, remembering every string that held a
/// NUL byte (a C string cannot). Such a string keeps its length and has
/// U+FFFD (the Unicode replacement character) in place of each NUL, so it
/// can never be mistaken for a real name that happens to be its prefix.
#[derive(Debug, Default)]
pub(crate) struct CText {
    /// One warning per repaired string: the field it is in (the
    /// warning's subject) and the warning.
    pub(crate) repaired: Vec<(String, String)>,
}

impl CText {
    pub(crate) fn s(&mut self, s: &str, what: impl FnOnce() -> String) -> CString {
        match CString::new(s) {
            Ok(c) => c,
            Err(_) => {
                let field = what();
                let message = format!(
                    "{field}: contains a NUL byte, which a C string cannot hold; the C API gives U+FFFD in its place (the JSON keeps it)"
                );
                self.repaired.push((field, message));
                cstring_lossy(s)
            }
        }
    }

    pub(crate) fn opt(
        &mut self,
        s: Option<&str>,
        what: impl FnOnce() -> String,
    ) -> Option<CString> {
        s.map(|s| self.s(s, what))
    }

    pub(crate) fn list(&mut self, v: &[String], what: &str) -> Vec<CString> {
        v.iter()
            .enumerate()
            .map(|(i, s)| self.s(s, || format!("{what}[{i}]")))
            .collect()
    }
}

/// The status of an error object; `NETUTIL_STATUS_NULL_ARGUMENT` when `err`
/// is NULL.
///
/// # Safety
///
/// `err` is NULL or an error object from this library that was not freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_error_code(err: *const netutil_error) -> netutil_status {
    getter!(
        SAFETY: "`err` is NULL or an error object not freed (# Safety above)",
        err => |e| e.code,
        else netutil_status::NETUTIL_STATUS_NULL_ARGUMENT
    )
}

/// The message of an error object: one line of English naming what failed
/// (a file, an option, a value). Borrowed from the error: valid until
/// `netutil_error_free(err)`. NULL when `err` is NULL.
///
/// # Safety
///
/// `err` is NULL or an error object from this library that was not freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_error_message(err: *const netutil_error) -> *const c_char {
    getter!(
        SAFETY: "`err` is NULL or an error object not freed (# Safety above)",
        err => |e| e.message.as_ptr()
    )
}

/// Frees an error object. NULL is allowed and does nothing.
///
/// # Safety
///
/// `err` is NULL or an error object from this library that was not freed;
/// it must not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn netutil_error_free(err: *mut netutil_error) {
    guard((), || {
        if !err.is_null() {
            // SAFETY: the caller passes an error from Box::into_raw, once.
            drop(unsafe { Box::from_raw(err) });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_status_with_a_message() {
        let mut err: *mut netutil_error = ptr::null_mut();
        // SAFETY: `err` is a valid local.
        let out = unsafe { Out::new(&raw mut err) };
        let status = fallible(&out, || -> Result<(), Failure> {
            panic!("boom");
        });
        assert_eq!(status, netutil_status::NETUTIL_STATUS_PANIC);
        assert!(!err.is_null());
        // SAFETY: `err` was just produced by `fallible`.
        unsafe {
            assert_eq!(
                netutil_error_code(err),
                netutil_status::NETUTIL_STATUS_PANIC
            );
            let msg = CStr::from_ptr(netutil_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom"), "{msg}");
            netutil_error_free(err);
        }
        assert_eq!(guard(7, || panic!("again")), 7);
    }

    #[test]
    fn success_clears_the_error_output() {
        let mut err: *mut netutil_error = ptr::dangling_mut();
        // SAFETY: `err` is a valid local.
        let out = unsafe { Out::new(&raw mut err) };
        let status = fallible(&out, || Ok(()));
        assert_eq!(status, netutil_status::NETUTIL_STATUS_OK);
        assert!(err.is_null());
        // SAFETY: NULL is allowed.
        let out = unsafe { Out::new(ptr::null_mut()) };
        let status = fallible(&out, || {
            Err(Failure::new(
                netutil_status::NETUTIL_STATUS_INVALID_ARGUMENT,
                "x",
            ))
        });
        assert_eq!(status, netutil_status::NETUTIL_STATUS_INVALID_ARGUMENT);
    }

    struct Handle(u64);

    fn read(p: *const Handle) -> u64 {
        getter!(
            SAFETY: "the tests pass NULL or a pointer to a live local",
            p => |h| h.0
        )
    }

    fn read_or_panic(p: *const Handle) -> i32 {
        getter!(
            SAFETY: "the tests pass NULL or a pointer to a live local",
            p => |h| if h.0 == 7 { panic!("getter") } else { 1 },
            else -1
        )
    }

    #[test]
    fn a_getter_reads_the_handle_and_gives_its_default_for_null_or_a_panic() {
        let h = Handle(5);
        assert_eq!(read(&raw const h), 5);
        assert_eq!(read(ptr::null()), 0);
        assert_eq!(read_or_panic(&raw const h), 1);
        let seven = Handle(7);
        assert_eq!(read_or_panic(&raw const seven), -1);
        assert_eq!(read_or_panic(ptr::null()), -1);
    }

    fn write(p: *mut Handle, value: u64) -> netutil_status {
        setter!(
            SAFETY: "the tests pass NULL or a pointer to a live, unshared local",
            p => |h| {
                if value == 7 {
                    panic!("setter");
                }
                h.0 = value;
                netutil_status::NETUTIL_STATUS_OK
            }
        )
    }

    #[test]
    fn a_setter_changes_the_handle_and_reports_null_and_panics() {
        let mut h = Handle(0);
        assert_eq!(write(&raw mut h, 3), netutil_status::NETUTIL_STATUS_OK);
        assert_eq!(h.0, 3);
        assert_eq!(
            write(ptr::null_mut(), 3),
            netutil_status::NETUTIL_STATUS_NULL_ARGUMENT
        );
        assert_eq!(write(&raw mut h, 7), netutil_status::NETUTIL_STATUS_PANIC);
        assert_eq!(h.0, 3);
    }

    #[test]
    fn out_writes_unless_null() {
        let mut x = 0u32;
        // SAFETY: `x` is a live local.
        let out = unsafe { Out::new(&raw mut x) };
        assert!(!out.is_null());
        out.set(4);
        assert_eq!(x, 4);
        // SAFETY: NULL is allowed.
        let none = unsafe { Out::<u32>::new(ptr::null_mut()) };
        assert!(none.is_null());
        none.set(4);
    }

    #[test]
    fn nul_bytes_are_replaced_and_reported() {
        let mut t = CText::default();
        let c = t.s("net\0one", || "interfaces[0].interface".to_owned());
        assert_eq!(c.to_str().unwrap(), "net\u{FFFD}one");
        assert_eq!(t.repaired.len(), 1);
        assert_eq!(t.repaired[0].0, "interfaces[0].interface");
        assert!(
            t.repaired[0]
                .1
                .starts_with("interfaces[0].interface: contains a NUL byte")
        );
        let c = t.s("net1", || unreachable!());
        assert_eq!(c.to_str().unwrap(), "net1");
        assert_eq!(t.repaired.len(), 1);
    }
}
