// A typed, RAII wrapper around wl_listener.
//
// A Listener is a member of the object that owns the reaction. It is connected to a wl_signal
// with a callback that receives the signal's payload already cast to the type the signal
// documents, and it disconnects itself when destroyed, so a destroyed C++ object can never be
// called back. Connecting an already connected listener moves it to the new signal.
#pragma once

#include <functional>
#include <utility>
#include <wayland-server-core.h>

namespace prism {

template <typename Payload = void> class Listener {
public:
    using Callback = std::function<void(Payload*)>;

    Listener() {
        wl_list_init(&holder_.link.link);
        holder_.link.notify = &Listener::dispatch;
        holder_.self = this;
    }
    explicit Listener(Callback callback)
        : Listener() {
        callback_ = std::move(callback);
    }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener() { disconnect(); }

    void set_callback(Callback callback) { callback_ = std::move(callback); }

    void connect(wl_signal* signal) {
        disconnect();
        wl_signal_add(signal, &holder_.link);
    }
    void connect(wl_signal* signal, Callback callback) {
        callback_ = std::move(callback);
        connect(signal);
    }
    void disconnect() {
        wl_list_remove(&holder_.link.link);
        wl_list_init(&holder_.link.link);
    }
    bool connected() const { return !wl_list_empty(&holder_.link.link); }

private:
    struct Holder {
        wl_listener link;
        Listener* self;
    };

    static void dispatch(wl_listener* link, void* data) {
        Holder* holder = wl_container_of(link, holder, link);
        Listener* self = holder->self;
        if (self->callback_) {
            self->callback_(static_cast<Payload*>(data));
        }
    }

    Holder holder_{};
    Callback callback_;
};

} // namespace prism
