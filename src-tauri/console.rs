//! Headless commands print to the terminal they were started from. Release builds on Windows use
//! the GUI subsystem (no console window for the tray app), so there we attach to the parent's
//! console when standard output is not already redirected.

#[cfg(windows)]
#[allow(unsafe_code)] // two Win32 calls with no pointers involved
pub fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{
        AttachConsole, GetStdHandle, ATTACH_PARENT_PROCESS, STD_OUTPUT_HANDLE,
    };
    // SAFETY: GetStdHandle and AttachConsole take plain values and only read process state.
    unsafe {
        let handle = GetStdHandle(STD_OUTPUT_HANDLE);
        if handle.is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
pub fn attach_parent_console() {}
