// The session lock (ext-session-lock-v1): a host locker such as swaylock locks the session;
// while it is locked no window of any VM is drawn and no client but the locker gets input.
//
// The lock ends only when the locker says unlock_and_destroy. A locker that dies first leaves
// the session locked ("abandoned"): prism draws an opaque cover on every output saying how to
// recover, and a new locker may take the lock over. `prismctl lock` and the `lock` binding lock
// with that cover at once and start [general] locker.
#pragma once

#include "compositor/input/lock_screen.hpp"
#include "compositor/input/seat.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

#include <list>
#include <memory>
#include <string>
#include <vector>

namespace prism {

class SessionLock : public LockScreen {
public:
    // The lock tree is created in `scene` now, above everything created before it. `hidden`
    // are the trees no one may see while locked (the windows, prism's overlay).
    SessionLock(wl_display* display, wlr_scene* scene, wlr_output_layout* layout, Seat& seat,
                std::vector<wlr_scene_tree*> hidden);
    ~SessionLock() override;
    SessionLock(const SessionLock&) = delete;
    SessionLock& operator=(const SessionLock&) = delete;

    enum class State {
        Unlocked,
        Locked,    // a locker holds the lock
        Covered,   // locked by prism (prismctl lock, the binding) and no locker yet
        Abandoned, // the locker went away without unlocking
    };
    State state() const { return state_; }
    bool locked() const { return state_ != State::Unlocked; }
    static const char* state_name(State state);

    // Locks with the cover now, if not locked already (prismctl lock, the binding). Only a
    // locker can unlock.
    void lock_with_cover();
    // The `lock` binding and prismctl lock: locks with the cover now and starts `locker`
    // ([general] locker), unless a locker holds the lock already. Asked again while the cover
    // waits, another locker starts (the first may have failed; if both connect, the second is
    // refused and exits).
    void lock_and_start(const std::string& locker);
    // Outputs came, went or moved: covers and lock surfaces follow.
    void arrange();

    wlr_surface* surface_at(double lx, double ly, double* sx, double* sy) const override;

private:
    // An output that has not shown a frame since the lock began.
    struct PendingOutput {
        wlr_output* output;
        Listener<wlr_output_event_commit> commit;
        Listener<void> destroy;
    };

    struct LockSurface {
        wlr_session_lock_surface_v1* wlr;
        wlr_scene_tree* tree;
        Listener<void> map, destroy, tree_destroy;
    };

    void handle_new_lock(wlr_session_lock_v1* lock);
    void handle_new_surface(wlr_session_lock_surface_v1* surface);
    void handle_unlock();
    void handle_lock_destroy();
    void handle_surface_destroy(LockSurface* surface);
    void engage();
    void disengage();
    void draw_covers();
    void focus_some_surface();
    // Tells the locker `locked` once every enabled output has committed a frame drawn with the
    // cover (at once when there is none).
    void send_locked_when_drawn();
    void output_drawn(PendingOutput* pending);

    wlr_scene_tree* tree_;     // covers below, the locker's surfaces above
    wlr_scene_tree* covers_;   // one per output, opaque
    wlr_scene_tree* surfaces_; // the locker's surfaces
    wlr_output_layout* layout_;
    Seat& seat_;
    std::vector<wlr_scene_tree*> hidden_;

    State state_ = State::Unlocked;
    wlr_session_lock_v1* lock_ = nullptr; // the locker's lock; nullptr when none
    std::list<std::unique_ptr<LockSurface>> lock_surfaces_;
    std::list<std::unique_ptr<PendingOutput>> pending_outputs_;

    Listener<wlr_session_lock_v1> new_lock_;
    Listener<wlr_session_lock_surface_v1> new_surface_;
    Listener<void> unlock_, lock_destroy_;
};

} // namespace prism
