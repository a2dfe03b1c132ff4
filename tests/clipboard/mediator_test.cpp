// The clipboard mediator with real pipes and a real wl_event_loop. The test plays the source
// client (it gets the fds the mediator asks the source to write), the pasting client (it reads
// the destination pipe) and the user (it answers prompts).
#include "compositor/clipboard/mediator.hpp"

#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace prism::clipboard {
namespace {

using namespace std::chrono_literals;
using config::PasteDecision;
using config::PastePolicy;

class IgnoreSigpipe : public ::testing::Environment {
public:
    void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};
[[maybe_unused]] ::testing::Environment* const kIgnoreSigpipe =
    ::testing::AddGlobalTestEnvironment(new IgnoreSigpipe);

// The source client: remembers every fd it is asked to write, so a test decides when and what.
class FakeSource : public SourceBackend {
public:
    struct Ask {
        std::string mime_type;
        int fd;
    };
    ~FakeSource() override {
        for (const Ask& ask : asks) {
            if (ask.fd >= 0) {
                close(ask.fd);
            }
        }
    }
    void send(const std::string& mime_type, int fd) override {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        asks.push_back({mime_type, fd});
    }

    // Writes `data` into the fd of ask `i` and closes it. The mediator reads the other end from
    // the same thread, so on a full pipe this runs `loop` (given) until it drains.
    void answer(std::size_t i, const std::string& data, wl_event_loop* loop = nullptr) {
        ASSERT_LT(i, asks.size());
        const int fd = asks[i].fd;
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = write(fd, data.data() + done, data.size() - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            ASSERT_TRUE(errno == EAGAIN && loop != nullptr) << std::strerror(errno);
            wl_event_loop_dispatch(loop, 10);
        }
        close(fd);
        asks[i].fd = -1;
    }

    std::vector<Ask> asks;
};

// The pasting client's pipe: the test keeps the read end and collects what arrives.
struct Paste {
    int read_end = -1;
    int write_end = -1; // handed to the mediator
    std::string got;
    bool eof = false;

    Paste() {
        int fds[2];
        EXPECT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Paste() {
        if (read_end >= 0) {
            close(read_end);
        }
    }
    Paste(const Paste&) = delete;
    Paste& operator=(const Paste&) = delete;

    int take_fd() { return std::exchange(write_end, -1); }

    void drain() {
        char buffer[65536];
        while (!eof) {
            const ssize_t n = read(read_end, buffer, sizeof buffer);
            if (n > 0) {
                got.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0) {
                eof = true;
            } else {
                break; // EAGAIN: the writer is still there
            }
        }
    }
};

// The origin the configuration names: "host", "unknown", or a VM.
Origin named(const std::string& name) {
    if (name == "host") {
        return Origin::host();
    }
    return name == "unknown" ? Origin::unknown() : Origin::vm(name);
}

// A stand-in client identity: the mediator compares client pointers, never dereferences them.
const wl_client* as_client(const void* identity) {
    return static_cast<const wl_client*>(identity);
}

class MediatorTest : public ::testing::Test {
protected:
    MediatorTest() {
        loop_ = wl_event_loop_create();
        policies_["host"] = {};
        policies_["work"] = {};
        policies_["personal"] = {};
        Mediator::Hooks hooks;
        hooks.policy = [this](const Origin& origin, Selection selection) -> const PastePolicy* {
            auto it = policies_.find(std::string(origin.display_name()));
            if (it == policies_.end()) {
                return nullptr;
            }
            return selection == Selection::Clipboard ? &it->second.clipboard : &it->second.primary;
        };
        hooks.show = [this](const std::optional<Prompt>& prompt) {
            shows_.push_back(prompt);
        };
        hooks.crossed = [this](const Crossing& crossing) {
            crossings_.push_back(crossing);
        };
        config::ClipboardLimits limits;
        limits.max_bytes = 4u << 20;
        limits.dialog_timeout_ms = 30000;
        limits.transfer_timeout_ms = 5000;
        mediator_ = std::make_unique<Mediator>(loop_, limits, std::move(hooks));
    }
    ~MediatorTest() override {
        mediator_.reset();
        sources_.clear();
        wl_event_loop_destroy(loop_);
    }

    void set_limits(std::uint64_t max_bytes, int dialog_ms, int transfer_ms) {
        mediator_->set_limits(config::ClipboardLimits{max_bytes, dialog_ms, transfer_ms});
    }

    // Runs the loop until `done` or a deadline, draining every paste in `pastes`.
    bool run_until(const std::function<bool()>& done, std::vector<Paste*> pastes = {},
                   std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (true) {
            for (Paste* paste : pastes) {
                paste->drain();
            }
            if (done()) {
                return true;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            wl_event_loop_dispatch(loop_, 10);
        }
    }
    void run_for(std::chrono::milliseconds duration, std::vector<Paste*> pastes = {}) {
        run_until([] { return false; }, std::move(pastes), duration);
    }

    std::uint64_t copy(const std::string& origin,
                       std::vector<std::string> types = {"text/plain;charset=utf-8"},
                       Selection selection = Selection::Clipboard) {
        sources_.push_back(std::make_unique<FakeSource>());
        return mediator_->source_set(selection, named(origin), std::move(types),
                                     sources_.back().get());
    }
    FakeSource& source(std::size_t i = 0) { return *sources_.at(i); }

    void paste_into(std::uint64_t source, const std::string& origin, Paste& into,
                    const std::string& mime = "text/plain;charset=utf-8",
                    const void* client = nullptr, bool entitled = true) {
        mediator_->paste(source,
                         Destination{as_client(client ? client : &into), named(origin), entitled},
                         mime, into.take_fd());
    }

    std::optional<Prompt> current() const { return mediator_->current_prompt(); }

    wl_event_loop* loop_ = nullptr;
    struct Policies {
        PastePolicy clipboard{.paste_from = {{"*", PasteDecision::Ask}}};
        PastePolicy primary{.paste_from = {{"*", PasteDecision::Deny}}};
    };
    std::map<std::string, Policies> policies_;
    std::vector<std::unique_ptr<FakeSource>> sources_;
    std::vector<std::optional<Prompt>> shows_;
    std::vector<Crossing> crossings_;
    std::unique_ptr<Mediator> mediator_;
};

std::string random_binary(std::size_t size) {
    std::mt19937_64 rng(size);
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        out[i] = static_cast<char>(rng() & 0xff);
    }
    for (std::size_t i = 0; i < size; i += 997) {
        out[i] = '\0';
    }
    return out;
}

TEST_F(MediatorTest, SameOriginGoesStraightToTheSource) {
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "work", paste);
    ASSERT_EQ(source().asks.size(), 1u);
    source().answer(0, "hello");
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "hello");
    EXPECT_TRUE(crossings_.empty()) << "a paste within one VM is not a crossing";
    EXPECT_FALSE(current());
}

TEST_F(MediatorTest, AllowedCrossingIsByteIdentical) {
    policies_["personal"].clipboard.paste_from = {{"work", PasteDecision::Allow}};
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1} << 20}) {
        SCOPED_TRACE(size);
        const auto id = copy("work", {"application/octet-stream", "image/png"});
        Paste paste;
        paste_into(id, "personal", paste, "image/png");
        FakeSource& src = *sources_.back();
        ASSERT_EQ(src.asks.size(), 1u);
        EXPECT_EQ(src.asks[0].mime_type, "image/png");
        const std::string data = random_binary(size);
        src.answer(0, data, loop_);
        ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
        EXPECT_EQ(paste.got.size(), data.size());
        EXPECT_TRUE(paste.got == data);
        ASSERT_FALSE(crossings_.empty());
        EXPECT_EQ(crossings_.back().decision, Decision::Allowed);
        EXPECT_EQ(crossings_.back().rule, "paste_from.work = allow");
        EXPECT_EQ(crossings_.back().bytes, size);
        EXPECT_EQ(crossings_.back().from, named("work"));
        EXPECT_EQ(crossings_.back().to, named("personal"));
        mediator_->source_gone(id);
    }
    EXPECT_FALSE(current()) << "allow never asks";
}

TEST_F(MediatorTest, DeniedCrossingNeverAsksTheSourceAndClosesEmpty) {
    policies_["personal"].clipboard.paste_from = {{"work", PasteDecision::Deny}};
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste);
    EXPECT_TRUE(source().asks.empty()) << "a denied paste must not even read the source";
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "");
    ASSERT_EQ(crossings_.size(), 1u);
    EXPECT_EQ(crossings_[0].decision, Decision::Denied);
    EXPECT_EQ(crossings_[0].rule, "paste_from.work = deny");
}

TEST_F(MediatorTest, AskHoldsTheBytesUntilAllow) {
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste);
    ASSERT_TRUE(current());
    EXPECT_EQ(current()->from, named("work"));
    EXPECT_EQ(current()->to, named("personal"));
    EXPECT_EQ(current()->mime_type, "text/plain;charset=utf-8");
    EXPECT_FALSE(current()->size) << "not read yet";
    ASSERT_EQ(source().asks.size(), 1u);
    source().answer(0, "top secret");
    ASSERT_TRUE(run_until([&] { return current() && current()->size; }, {&paste}));
    EXPECT_EQ(*current()->size, 10u);
    EXPECT_EQ(current()->preview, "top secret");
    run_for(200ms, {&paste});
    EXPECT_EQ(paste.got, "") << "nothing may cross before Allow";
    EXPECT_FALSE(paste.eof);
    mediator_->answer(current()->id, true, "Enter");
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "top secret");
    EXPECT_FALSE(current());
    ASSERT_EQ(crossings_.size(), 1u);
    EXPECT_EQ(crossings_[0].decision, Decision::Allowed);
    EXPECT_EQ(crossings_[0].rule, "dialog: allowed (Enter)");
    EXPECT_EQ(crossings_[0].bytes, 10u);
}

TEST_F(MediatorTest, AllowBeforeTheDataArrivesDeliversItWhenItDoes) {
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste);
    ASSERT_TRUE(current());
    mediator_->answer(current()->id, true, "y");
    EXPECT_FALSE(current());
    run_for(50ms, {&paste});
    EXPECT_FALSE(paste.eof);
    source().answer(0, "late");
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "late");
}

TEST_F(MediatorTest, DenyGivesNothingAndIsNotAskedAgainForTheSameSelection) {
    const auto id = copy("work");
    Paste first;
    paste_into(id, "personal", first, "text/plain;charset=utf-8", &first);
    source().answer(0, "secret");
    ASSERT_TRUE(run_until([&] { return current() && current()->size; }, {&first}));
    mediator_->answer(current()->id, false, "Escape");
    ASSERT_TRUE(run_until([&] { return first.eof; }, {&first}));
    EXPECT_EQ(first.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Denied);
    EXPECT_EQ(crossings_.back().rule, "dialog: denied (Escape)");

    // The same client asking again for the same selection is refused without a dialog.
    Paste again;
    paste_into(id, "personal", again, "text/plain;charset=utf-8", &first);
    EXPECT_FALSE(current());
    ASSERT_TRUE(run_until([&] { return again.eof; }, {&again}));
    EXPECT_EQ(again.got, "");
    EXPECT_EQ(crossings_.back().rule, "already denied for this selection");

    // Nor does another client of the same VM: the refusal is the VM's, not the client's.
    Paste other;
    paste_into(id, "personal", other, "text/plain;charset=utf-8", &other);
    EXPECT_FALSE(current());
    ASSERT_TRUE(run_until([&] { return other.eof; }, {&other}));
    EXPECT_EQ(crossings_.back().rule, "already denied for this selection");

    // Another VM, or a new copy, asks again.
    Paste host;
    paste_into(id, "host", host, "text/plain;charset=utf-8", &host);
    EXPECT_TRUE(current());
}

TEST_F(MediatorTest, OneVmAsksOneQuestionAtATimeWhateverItsClients) {
    const auto id = copy("work");
    Paste first, second, third;
    paste_into(id, "personal", first, "text/plain;charset=utf-8", &first);
    ASSERT_TRUE(current());
    const std::uint64_t prompt = current()->id;
    // A second and a third client of the same VM: refused at once, not queued behind it.
    paste_into(id, "personal", second, "text/plain;charset=utf-8", &second);
    paste_into(id, "personal", third, "text/plain;charset=utf-8", &third);
    ASSERT_TRUE(run_until([&] { return second.eof && third.eof; }, {&second, &third}));
    EXPECT_EQ(second.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Refused);
    EXPECT_EQ(crossings_.back().rule, "a dialog for personal is already waiting");
    EXPECT_EQ(current()->id, prompt);
    EXPECT_EQ(mediator_->pending_count(), 1u);
}

TEST_F(MediatorTest, DenyAllRefusesEveryLaterPasteIntoThatVmWithoutAsking) {
    const auto id = copy("work");
    Paste first;
    paste_into(id, "personal", first, "text/plain;charset=utf-8", &first);
    ASSERT_TRUE(current());
    mediator_->answer(current()->id, Answer::DenyAll, "Shift+Escape");
    ASSERT_TRUE(run_until([&] { return first.eof; }, {&first}));
    EXPECT_EQ(crossings_.back().rule, "dialog: denied all (Shift+Escape)");
    EXPECT_TRUE(mediator_->denying_all(Origin::vm("personal")));
    // A new selection, another client: still no question.
    const auto next = copy("host");
    Paste later;
    paste_into(next, "personal", later, "text/plain;charset=utf-8", &later);
    EXPECT_FALSE(current());
    ASSERT_TRUE(run_until([&] { return later.eof; }, {&later}));
    EXPECT_EQ(later.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Denied);
    EXPECT_EQ(crossings_.back().rule,
              "every paste into personal denied for 10 min (dialog: deny all)");
    // Other VMs still ask.
    Paste other;
    paste_into(next, "work", other, "text/plain;charset=utf-8", &other);
    EXPECT_TRUE(current());
}

TEST_F(MediatorTest, SelectionReplacedWhileAskingCancels) {
    const auto old_id = copy("work");
    Paste paste;
    paste_into(old_id, "personal", paste);
    ASSERT_TRUE(current());
    const std::uint64_t prompt_id = current()->id;
    // A new copy in the source VM: the seat replaces the selection, the old source goes.
    copy("work");
    mediator_->source_gone(old_id);
    EXPECT_FALSE(current());
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Cancelled);
    // An answer that arrives late applies to nothing.
    mediator_->answer(prompt_id, true, "Enter");
    run_for(100ms, {&paste});
    EXPECT_EQ(paste.got, "");
    // prism stopped reading the old source: what it writes now goes nowhere.
    EXPECT_EQ(write(source(0).asks[0].fd, "x", 1), -1);
    EXPECT_EQ(errno, EPIPE);
    EXPECT_TRUE(source(1).asks.empty()) << "the new selection was never read";
}

TEST_F(MediatorTest, DestinationGoneWhileAskingCancels) {
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste, "text/plain;charset=utf-8", &paste);
    ASSERT_TRUE(current());
    mediator_->client_gone(as_client(&paste));
    EXPECT_FALSE(current());
    EXPECT_EQ(crossings_.back().decision, Decision::Cancelled);
    EXPECT_EQ(crossings_.back().rule, "the pasting client went away");
}

TEST_F(MediatorTest, TwoTypesFromOneClientAreOneQuestion) {
    const auto id = copy("work", {"text/plain;charset=utf-8", "text/html"});
    Paste plain, html;
    paste_into(id, "personal", plain, "text/plain;charset=utf-8", &plain);
    const std::uint64_t prompt_id = current()->id;
    paste_into(id, "personal", html, "text/html", &plain);
    ASSERT_TRUE(current());
    EXPECT_EQ(current()->id, prompt_id);
    EXPECT_EQ(current()->more_types, 1u);
    source().answer(0, "plain");
    source().answer(1, "<b>html</b>");
    run_for(50ms);
    mediator_->answer(prompt_id, true, "Enter");
    ASSERT_TRUE(run_until([&] { return plain.eof && html.eof; }, {&plain, &html}));
    EXPECT_EQ(plain.got, "plain");
    EXPECT_EQ(html.got, "<b>html</b>");
}

TEST_F(MediatorTest, PromptsQueueOneAtATime) {
    const auto id = copy("work");
    Paste a, b;
    paste_into(id, "personal", a, "text/plain;charset=utf-8", &a);
    paste_into(id, "host", b, "text/plain;charset=utf-8", &b);
    ASSERT_TRUE(current());
    EXPECT_EQ(current()->to, named("personal"));
    const std::uint64_t first = current()->id;
    mediator_->answer(first, false, "n");
    ASSERT_TRUE(current());
    EXPECT_EQ(current()->to, named("host"));
    EXPECT_NE(current()->id, first);
    mediator_->answer(first, true, "stale") /* a stale id does nothing */;
    EXPECT_TRUE(current());
    EXPECT_EQ(current()->to, named("host"));
}

TEST_F(MediatorTest, UnansweredPromptDeniesAfterTheTimeout) {
    set_limits(4u << 20, 150, 5000);
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste);
    source().answer(0, "data");
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}, 3s));
    EXPECT_EQ(paste.got, "");
    EXPECT_FALSE(current());
    EXPECT_EQ(crossings_.back().decision, Decision::Denied);
    EXPECT_EQ(crossings_.back().rule, "dialog: denied (no answer in 150 ms)");
}

TEST_F(MediatorTest, TooLargeIsRefusedBeforeAnyByteCrosses) {
    set_limits(1000, 30000, 5000);
    policies_["personal"].clipboard.paste_from = {{"*", PasteDecision::Allow}};
    const auto id = copy("work");
    Paste at_limit, over;
    paste_into(id, "personal", at_limit);
    paste_into(id, "personal", over);
    source().answer(0, std::string(1000, 'a'));
    source().answer(1, std::string(1001, 'b'));
    ASSERT_TRUE(run_until([&] { return at_limit.eof && over.eof; }, {&at_limit, &over}));
    EXPECT_EQ(at_limit.got, std::string(1000, 'a'));
    EXPECT_EQ(over.got, "") << "refused, not truncated";
    ASSERT_EQ(crossings_.size(), 2u);
    const Crossing& refused =
        crossings_[0].decision == Decision::Refused ? crossings_[0] : crossings_[1];
    EXPECT_EQ(refused.decision, Decision::Refused);
    EXPECT_EQ(refused.rule, "source sent more than clipboard.max_bytes = 1000");
}

TEST_F(MediatorTest, ASourceThatNeverWritesIsCutOff) {
    set_limits(4u << 20, 30000, 150);
    policies_["personal"].clipboard.paste_from = {{"*", PasteDecision::Allow}};
    const auto id = copy("work");
    Paste paste;
    paste_into(id, "personal", paste);
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}, 3s));
    EXPECT_EQ(paste.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Refused);
    EXPECT_EQ(crossings_.back().rule,
              "source sent nothing for clipboard.transfer_timeout_ms = 150");
}

TEST_F(MediatorTest, RefusalsThatNeverReadTheSource) {
    policies_["personal"].clipboard.paste_from = {{"*", PasteDecision::Allow}};
    policies_["personal"].clipboard.mime = {"text/*"};
    const auto id = copy("work", {"text/plain", "image/png"});
    struct Case {
        std::string origin, mime;
        bool entitled;
        std::string rule;
    };
    const Case cases[] = {
        {"personal", "image/png", true, "type not in clipboard.mime"},
        {"personal", "text/html", true, "type not offered by the source"},
        {"personal", "text/plain", false, "the pasting window has no keyboard focus"},
        {"unknown", "text/plain", true, "no policy for unknown"},
        {"gone-vm", "text/plain", true, "no policy for gone-vm"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.rule);
        Paste paste;
        paste_into(id, c.origin, paste, c.mime, nullptr, c.entitled);
        ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
        EXPECT_EQ(paste.got, "");
        EXPECT_EQ(crossings_.back().rule, c.rule);
    }
    EXPECT_TRUE(source().asks.empty());
    EXPECT_FALSE(current());
}

TEST_F(MediatorTest, UnknownSourceIsDeniedWhateverThePolicy) {
    policies_["personal"].clipboard.paste_from = {{"*", PasteDecision::Allow}};
    const auto id = copy("unknown");
    Paste paste;
    paste_into(id, "personal", paste);
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "");
    EXPECT_EQ(crossings_.back().decision, Decision::Denied);
    EXPECT_TRUE(source().asks.empty());
    // Not even "unknown" into "unknown" counts as the same origin.
    Paste same;
    policies_["unknown"] = {};
    paste_into(id, "unknown", same);
    ASSERT_TRUE(run_until([&] { return same.eof; }, {&same}));
    EXPECT_TRUE(source().asks.empty());
}

TEST_F(MediatorTest, PrimarySelectionDeniesCrossingsByDefault) {
    const auto id = copy("work", {"text/plain"}, Selection::Primary);
    Paste paste;
    paste_into(id, "personal", paste, "text/plain");
    ASSERT_TRUE(run_until([&] { return paste.eof; }, {&paste}));
    EXPECT_EQ(paste.got, "");
    EXPECT_EQ(crossings_.back().selection, Selection::Primary);
    EXPECT_EQ(crossings_.back().rule, "paste_from.* = deny");
    // Within one VM the primary selection works as always.
    Paste same;
    paste_into(id, "work", same, "text/plain");
    ASSERT_EQ(source().asks.size(), 1u);
    source().answer(0, "selected");
    ASSERT_TRUE(run_until([&] { return same.eof; }, {&same}));
    EXPECT_EQ(same.got, "selected");
}

TEST_F(MediatorTest, TooManyWaitingPastesAreRefused) {
    const auto id = copy("work");
    std::vector<std::unique_ptr<Paste>> pastes;
    for (std::size_t i = 0; i < Mediator::kMaxPending + 1; ++i) {
        // One question per VM at a time: as many VMs as pastes.
        const std::string vm = "vm" + std::to_string(i);
        policies_[vm] = {};
        pastes.push_back(std::make_unique<Paste>());
        paste_into(id, vm, *pastes.back(), "text/plain;charset=utf-8", pastes.back().get());
        if (source().asks.size() > i) {
            source().answer(i, "x"); // read at once: only the dialog keeps it waiting
            run_for(20ms);
        }
    }
    EXPECT_EQ(mediator_->pending_count(), Mediator::kMaxPending);
    EXPECT_EQ(crossings_.back().rule, "too many pastes waiting");
}

TEST_F(MediatorTest, OnlyAFewSourcesAreReadAtOnce) {
    const auto id = copy("work");
    std::vector<std::unique_ptr<Paste>> pastes;
    for (std::size_t i = 0; i < Mediator::kMaxFetching + 1; ++i) {
        const std::string vm = "vm" + std::to_string(i);
        policies_[vm] = {};
        pastes.push_back(std::make_unique<Paste>());
        paste_into(id, vm, *pastes.back(), "text/plain;charset=utf-8", pastes.back().get());
    }
    EXPECT_EQ(source().asks.size(), Mediator::kMaxFetching) << "a source that never writes";
    EXPECT_EQ(crossings_.back().rule, "too many pastes being read");
}

TEST_F(MediatorTest, WaitingDataIsBoundedForAllPastesTogether) {
    set_limits(1000, 30000, 5000);
    const auto id = copy("work");
    Paste a, b, c;
    paste_into(id, "personal", a, "text/plain;charset=utf-8", &a);
    paste_into(id, "host", b, "text/plain;charset=utf-8", &b);
    policies_["other"] = {};
    paste_into(id, "other", c, "text/plain;charset=utf-8", &c);
    ASSERT_EQ(source().asks.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        source().answer(i, std::string(900, 'd'));
    }
    ASSERT_TRUE(run_until([&] { return c.eof; }, {&c}));
    EXPECT_EQ(c.got, "");
    EXPECT_EQ(crossings_.back().rule, "more than 2 x clipboard.max_bytes waiting in all pastes");
    EXPECT_EQ(mediator_->pending_count(), 2u);
}

TEST_F(MediatorTest, ListsSelectionsAndKeepsABoundedLog) {
    copy("work", {"text/plain", "image/png"});
    copy("personal", {"text/plain"}, Selection::Primary);
    const auto selections = mediator_->selections();
    ASSERT_EQ(selections.size(), 2u);
    EXPECT_EQ(selections[0].origin, named("work"));
    EXPECT_EQ(selections[0].mime_types, (std::vector<std::string>{"text/plain", "image/png"}));
    EXPECT_EQ(selections[1].selection, Selection::Primary);

    policies_["host"].clipboard.paste_from = {{"*", PasteDecision::Deny}};
    const auto id = copy("work");
    for (std::size_t i = 0; i < Mediator::kMaxLog + 5; ++i) {
        Paste paste;
        paste_into(id, "host", paste);
    }
    EXPECT_EQ(mediator_->log().size(), Mediator::kMaxLog);
}

} // namespace
} // namespace prism::clipboard
