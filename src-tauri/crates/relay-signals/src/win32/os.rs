//! The Win32 calls behind the probe traits. Each is a thin, fallible read; all logic lives in
//! the platform-neutral parent module.

// FFI: these functions are only reachable through `unsafe` calls into user32, shell32,
// wtsapi32 and ntdll. Every block states why its pointers are valid.
#![allow(unsafe_code)]

use std::ffi::c_void;

use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
use windows_sys::Win32::System::RemoteDesktop::{
    WTSActive, WTSFreeMemory, WTSQuerySessionInformationW, WTSSessionInfoEx, WTSINFOEXW,
    WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTS_SESSIONSTATE_LOCK, WTS_SESSIONSTATE_UNLOCK,
};
use windows_sys::Win32::System::SystemInformation::GetTickCount;
use windows_sys::Win32::UI::Input::KeyboardAndMouse::{GetLastInputInfo, LASTINPUTINFO};
use windows_sys::Win32::UI::Shell::SHQueryUserNotificationState;

use super::{InputClock, NotificationState, QuietHours, SessionSnapshot, SessionState};
use crate::poll::ProbeError;

/// `GetTickCount` / `GetLastInputInfo` for the calling session.
#[derive(Clone, Copy, Debug, Default)]
pub struct Win32Input;

impl InputClock for Win32Input {
    fn tick_count(&mut self) -> u32 {
        // SAFETY: no arguments, no preconditions.
        unsafe { GetTickCount() }
    }

    fn last_input_tick(&mut self) -> Result<u32, ProbeError> {
        let mut info = LASTINPUTINFO {
            cbSize: u32::try_from(std::mem::size_of::<LASTINPUTINFO>()).unwrap_or(8),
            dwTime: 0,
        };
        // SAFETY: `info` is a live, writable LASTINPUTINFO with cbSize set, as required.
        let ok = unsafe { GetLastInputInfo(&mut info) };
        if ok == 0 {
            return Err(ProbeError::Failed(format!(
                "GetLastInputInfo failed: {}",
                std::io::Error::last_os_error()
            )));
        }
        Ok(info.dwTime)
    }
}

/// `SHQueryUserNotificationState`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Win32NotificationState;

impl NotificationState for Win32NotificationState {
    fn query(&mut self) -> Result<i32, ProbeError> {
        let mut state = 0;
        // SAFETY: `state` is a live, writable QUERY_USER_NOTIFICATION_STATE (an i32).
        let hr = unsafe { SHQueryUserNotificationState(&mut state) };
        if hr < 0 {
            return Err(ProbeError::Failed(format!(
                "SHQueryUserNotificationState failed with HRESULT {hr:#010x}"
            )));
        }
        Ok(state)
    }
}

/// Lock and connection state of the current session (`WTSSessionInfoEx`). Its lock flag is
/// inverted on Windows 7 / Server 2008 R2, which the app does not support.
#[derive(Clone, Copy, Debug, Default)]
pub struct Win32SessionState;

impl SessionState for Win32SessionState {
    fn query(&mut self) -> Result<SessionSnapshot, ProbeError> {
        let mut buffer: *mut u16 = std::ptr::null_mut();
        let mut bytes = 0_u32;
        // SAFETY: both out-pointers point at live locals; the server handle and session id are
        // the documented "current" constants.
        let ok = unsafe {
            WTSQuerySessionInformationW(
                WTS_CURRENT_SERVER_HANDLE,
                WTS_CURRENT_SESSION,
                WTSSessionInfoEx,
                &mut buffer,
                &mut bytes,
            )
        };
        if ok == 0 || buffer.is_null() {
            return Err(ProbeError::Failed(format!(
                "WTSQuerySessionInformationW(WTSSessionInfoEx) failed: {}",
                std::io::Error::last_os_error()
            )));
        }
        let large_enough = usize::try_from(bytes).unwrap_or(0) >= std::mem::size_of::<WTSINFOEXW>();
        let snapshot = if large_enough {
            // SAFETY: the call succeeded and returned at least size_of::<WTSINFOEXW>() bytes,
            // which for WTSSessionInfoEx hold a WTSINFOEXW; level 1 is the only union member.
            let info = unsafe { &*buffer.cast::<WTSINFOEXW>() };
            if info.Level == 1 {
                // SAFETY: Level 1 means the WTSInfoExLevel1 member is the initialised one.
                let level1 = unsafe { info.Data.WTSInfoExLevel1 };
                let locked = match level1.SessionFlags as u32 {
                    WTS_SESSIONSTATE_LOCK => Some(true),
                    WTS_SESSIONSTATE_UNLOCK => Some(false),
                    _ => None,
                };
                Some(SessionSnapshot {
                    locked,
                    active: Some(level1.SessionState == WTSActive),
                })
            } else {
                None
            }
        } else {
            None
        };
        // SAFETY: `buffer` was allocated by WTSQuerySessionInformationW and is freed once.
        unsafe { WTSFreeMemory(buffer.cast::<c_void>()) };
        snapshot
            .ok_or_else(|| ProbeError::Failed("WTSSessionInfoEx returned an unknown layout".into()))
    }
}

/// `WNF_SHEL_QUIETHOURS_ACTIVE_PROFILE_CHANGED`: undocumented; 0 off, 1 priority only, 2 alarms
/// only. Used by several tools for Focus Assist; Windows 11's "Do not disturb" reportedly too.
const WNF_QUIET_HOURS: u64 = 0x0D83_063E_A3BF_1C75;

/// `ntdll!NtQueryWnfStateData` (not in any SDK header).
type NtQueryWnfStateData = unsafe extern "system" fn(
    state_name: *const u64,
    type_id: *const c_void,
    explicit_scope: *const c_void,
    change_stamp: *mut u32,
    buffer: *mut c_void,
    buffer_size: *mut u32,
) -> i32;

/// The quiet-hours profile through `NtQueryWnfStateData`, looked up in ntdll at run time so a
/// Windows without it reports `Unsupported` instead of failing to start.
#[derive(Debug, Default)]
pub struct Win32QuietHours {
    query: Option<NtQueryWnfStateData>,
}

impl Win32QuietHours {
    fn resolve(&mut self) -> Result<NtQueryWnfStateData, ProbeError> {
        if let Some(query) = self.query {
            return Ok(query);
        }
        let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
        // SAFETY: `ntdll` is a NUL-terminated UTF-16 string; ntdll is mapped in every process.
        let module = unsafe { GetModuleHandleW(ntdll.as_ptr()) };
        if module.is_null() {
            return Err(ProbeError::Unsupported("ntdll.dll is not loaded".into()));
        }
        // SAFETY: `module` is a valid module handle and the name is a NUL-terminated C string.
        let found = unsafe { GetProcAddress(module, c"NtQueryWnfStateData".as_ptr().cast()) };
        let Some(found) = found else {
            return Err(ProbeError::Unsupported(
                "this Windows has no NtQueryWnfStateData (Focus Assist state unreadable)".into(),
            ));
        };
        // SAFETY: NtQueryWnfStateData has had this signature since Windows 8; the pointer came
        // from GetProcAddress for exactly that name.
        let query = unsafe {
            std::mem::transmute::<unsafe extern "system" fn() -> isize, NtQueryWnfStateData>(found)
        };
        self.query = Some(query);
        Ok(query)
    }
}

impl QuietHours for Win32QuietHours {
    fn profile(&mut self) -> Result<u32, ProbeError> {
        let query = self.resolve()?;
        let state = WNF_QUIET_HOURS;
        let mut stamp = 0_u32;
        let mut value = 0_u32;
        let mut size = u32::try_from(std::mem::size_of::<u32>()).unwrap_or(4);
        // SAFETY: every pointer refers to a live local of the size passed in `size`; type id
        // and scope may be null.
        let status = unsafe {
            query(
                &state,
                std::ptr::null(),
                std::ptr::null(),
                &mut stamp,
                (&mut value as *mut u32).cast::<c_void>(),
                &mut size,
            )
        };
        if status < 0 {
            return Err(ProbeError::Failed(format!(
                "NtQueryWnfStateData(quiet hours) failed with NTSTATUS {status:#010x}"
            )));
        }
        if size != 4 {
            return Err(ProbeError::Failed(format!(
                "the quiet-hours state holds {size} bytes, not 4 (never set, or a new layout)"
            )));
        }
        Ok(value)
    }
}
