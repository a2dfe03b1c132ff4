// The control channel between prism and one prism-vhost-wl process (docs/vmbridge.md): a
// SOCK_SEQPACKET socketpair made by prism when it starts the process, at fd kControlFd in the
// process. Native byte order (both ends are on one host).
//
//   shim -> prism  STATUS {u32 tag, u32 state, u32 vmm pid, u32 pad, u64 features,
//                          u64 protocol features}: what the process knows, sent on every change.
//                  State kRunning asks for a device: prism answers DEVICE.
//   prism -> shim  DEVICE {u32 tag} + one fd: a connected SOCK_SEQPACKET socket speaking the
//                  test transport of docs/vmbridge.md to a new device core inside prism.
//
// The process closes its device socket when the device ends (a reset, GET_VRING_BASE, or the
// VMM going away); the device and its contexts go with it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace prism::vmbridge::vhost_user::shim_wire {

// The fds prism-vhost-wl starts with.
inline constexpr int kListenFd = 3;  // the listening vhost-user socket (prism keeps it)
inline constexpr int kControlFd = 4; // this channel

inline constexpr std::uint32_t kStatus = 1;
inline constexpr std::uint32_t kDevice = 0x81;

enum class State : std::uint32_t {
    Waiting = 0,     // no VMM connected
    Negotiating = 1, // a VMM is connected; the device is not started
    Running = 2,     // the queues are live (a device is wanted)
};

inline constexpr std::size_t kStatusState = 4;
inline constexpr std::size_t kStatusPid = 8;
inline constexpr std::size_t kStatusFeatures = 16;
inline constexpr std::size_t kStatusProtocol = 24;
inline constexpr std::size_t kStatusSize = 32;
inline constexpr std::size_t kDeviceSize = 4;

} // namespace prism::vmbridge::vhost_user::shim_wire
