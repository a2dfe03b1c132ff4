// Where the seat's input goes now: to the clients, to prism's modal dialog (the clipboard
// dialog), or to the session lock. Only the Seat changes it; the cursor, the keyboards and the
// clipboard ask it, so "is a dialog up, is the session locked?" has one answer in one place.
#pragma once

#include "compositor/input/lock_screen.hpp"
#include "compositor/input/modal.hpp"

namespace prism {

class InputRoute {
public:
    // The session lock holding every input, or nullptr when unlocked.
    LockScreen* lock() const { return lock_; }
    // The dialog that takes host keys and button presses now, or nullptr: none is up, or the
    // session is locked (the lock comes first; the dialog takes the input again after it).
    Modal* modal() const { return lock_ == nullptr ? modal_ : nullptr; }
    // Whether a dialog is up at all, hidden behind the lock or not.
    bool modal_up() const { return modal_ != nullptr; }
    // When the last non-modifier key was pressed on a host keyboard (the dialog tells
    // type-ahead from a deliberate answer by it).
    Modal::Clock::time_point last_host_key() const { return last_host_key_; }

private:
    friend class Seat;
    Modal* modal_ = nullptr;
    Modal::Clock::time_point last_host_key_{};
    LockScreen* lock_ = nullptr;
};

} // namespace prism
