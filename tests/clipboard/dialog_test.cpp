// The clipboard dialog on its own, in a scene graph without any output: which input answers it,
// and when.
#include "compositor/clipboard/dialog.hpp"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

namespace prism::clipboard {
namespace {

using namespace std::chrono_literals;

struct Answered {
    std::uint64_t prompt;
    Answer answer;
    std::string how;
};

// Long ago: no keystroke before the one a test sends.
const Modal::Clock::time_point kQuiet{};

class DialogTest : public ::testing::Test {
protected:
    DialogTest()
        : scene_(wlr_scene_create()) {
        config_.host.accent = {0x20, 0x20, 0x20};
        for (const auto& [name, colour] :
             {std::pair{"work", config::Colour{0x34, 0x65, 0xa4}},
              std::pair{"personal", config::Colour{0x4e, 0x9a, 0x06}}}) {
            config::VmConfig vm;
            vm.name = name;
            vm.label = name;
            vm.colour = colour;
            config_.vms.push_back(vm);
        }
        Dialog::Hooks hooks;
        hooks.area_for = [this](const wl_client*, wlr_box* output, float* scale) {
            *scale = 1.0f;
            *output = output_;
            return area_;
        };
        hooks.answer = [this](std::uint64_t prompt, Answer answer, const std::string& how) {
            answers_.push_back({prompt, answer, how});
        };
        dialog_ = std::make_unique<Dialog>(wlr_scene_tree_create(&scene_->tree), styles_,
                                           std::move(hooks));
    }
    ~DialogTest() override {
        dialog_.reset();
        wlr_scene_node_destroy(&scene_->tree.node);
    }

    // Shows a prompt that appeared `age` ago.
    void show(std::chrono::milliseconds age, std::uint64_t id = 7) {
        Prompt prompt;
        prompt.id = id;
        prompt.from = origins::Origin::vm("work");
        prompt.to = origins::Origin::vm("personal");
        prompt.mime_type = "text/plain";
        prompt.size = 5;
        prompt.preview = "hello";
        prompt.shown_at = std::chrono::steady_clock::now() - age;
        dialog_->show(prompt, 30000);
    }

    static std::pair<double, double> centre(const wlr_box& box) {
        return {box.x + box.width / 2.0, box.y + box.height / 2.0};
    }

    wlr_box area_{100, 50, 1000, 800};
    wlr_box output_{0, 0, 1200, 900};
    config::Config config_;
    FrameStyles styles_{config_};
    wlr_scene* scene_;
    std::unique_ptr<Dialog> dialog_;
    std::vector<Answered> answers_;
};

TEST_F(DialogTest, IsCentredInItsAreaWithTwoButtonsInside) {
    show(1s);
    ASSERT_TRUE(dialog_->visible());
    const wlr_box box = dialog_->box();
    EXPECT_NEAR(box.x + box.width / 2.0, 600, 1);
    EXPECT_NEAR(box.y + box.height / 2.0, 450, 1);
    for (const wlr_box& button :
         {dialog_->allow_box(), dialog_->deny_box(), dialog_->deny_all_box()}) {
        EXPECT_GE(button.x, box.x);
        EXPECT_GE(button.y, box.y);
        EXPECT_LE(button.x + button.width, box.x + box.width);
        EXPECT_LE(button.y + button.height, box.y + box.height);
    }
    EXPECT_LT(dialog_->allow_box().x + dialog_->allow_box().width, dialog_->deny_box().x);
}

TEST_F(DialogTest, StaysOnTheOutputOfASmallWindowAtItsEdge) {
    area_ = {1100, 800, 100, 100}; // a small window in the bottom-right corner
    show(1s);
    const wlr_box box = dialog_->box();
    EXPECT_LE(box.x + box.width, output_.x + output_.width);
    EXPECT_LE(box.y + box.height, output_.y + output_.height);
    EXPECT_GE(box.x, output_.x);
    EXPECT_GE(box.y, output_.y);
}

TEST_F(DialogTest, StaysPutWhileTheSamePromptIsRedrawn) {
    show(1s, 5);
    const wlr_box before = dialog_->box();
    area_ = {0, 0, 100, 100}; // the asking client moved its window
    show(1s, 5);
    EXPECT_EQ(dialog_->box().x, before.x);
    EXPECT_EQ(dialog_->box().y, before.y);
    show(1s, 6); // a new prompt is placed anew
    EXPECT_NE(dialog_->box().x, before.x);
}

TEST_F(DialogTest, InputInTheFirstHalfSecondIsIgnored) {
    show(100ms);
    dialog_->key(XKB_KEY_Return, 0, kQuiet);
    dialog_->key(XKB_KEY_Escape, 0, kQuiet);
    const auto [x, y] = centre(dialog_->allow_box());
    dialog_->button(x, y, BTN_LEFT, kQuiet);
    EXPECT_TRUE(answers_.empty()) << "a keystroke meant for the window must not answer";
}

TEST_F(DialogTest, KeysOfABurstNeverAnswerItClicksNeither) {
    // Type-ahead: the previous keystroke was a moment ago, however long the dialog is up.
    show(5s);
    const auto just_now = Modal::Clock::now() - 100ms;
    dialog_->key(XKB_KEY_Return, 0, just_now);
    dialog_->key(XKB_KEY_Escape, 0, just_now);
    dialog_->key(XKB_KEY_Escape, WLR_MODIFIER_SHIFT, just_now);
    const auto [x, y] = centre(dialog_->allow_box());
    dialog_->button(x, y, BTN_LEFT, just_now);
    EXPECT_TRUE(answers_.empty());
    // After a quiet moment the same Enter answers.
    dialog_->key(XKB_KEY_Return, 0, Modal::Clock::now() - Dialog::kInputDelay - 50ms);
    ASSERT_EQ(answers_.size(), 1u);
    EXPECT_EQ(answers_[0].answer, Answer::Allow);
}

TEST_F(DialogTest, KeysAnswerOnceTheDelayHasPassed) {
    struct Case {
        xkb_keysym_t key;
        std::uint32_t modifiers;
        Answer answer;
        const char* how;
    };
    for (const Case& c :
         {Case{XKB_KEY_Return, 0, Answer::Allow, "Enter"},
          Case{XKB_KEY_KP_Enter, 0, Answer::Allow, "Enter"},
          Case{XKB_KEY_Escape, 0, Answer::Deny, "Escape"},
          Case{XKB_KEY_Escape, WLR_MODIFIER_SHIFT, Answer::DenyAll, "Shift+Escape"}}) {
        answers_.clear();
        show(Dialog::kInputDelay + 50ms);
        dialog_->key(c.key, c.modifiers, kQuiet);
        ASSERT_EQ(answers_.size(), 1u) << c.how;
        EXPECT_EQ(answers_[0].prompt, 7u);
        EXPECT_EQ(answers_[0].answer, c.answer);
        EXPECT_EQ(answers_[0].how, c.how);
    }
}

TEST_F(DialogTest, OtherKeysAndClicksElsewhereDoNothing) {
    show(1s);
    // Letters never answer: y and n are typed in text all the time.
    for (xkb_keysym_t key : {XKB_KEY_a, XKB_KEY_y, XKB_KEY_Y, XKB_KEY_n, XKB_KEY_N, XKB_KEY_space,
                             XKB_KEY_Tab, XKB_KEY_v, XKB_KEY_Control_L}) {
        dialog_->key(key, 0, kQuiet);
    }
    const wlr_box box = dialog_->box();
    dialog_->button(box.x + 2, box.y + 2, BTN_LEFT, kQuiet);   // the border
    dialog_->button(box.x - 50, box.y - 50, BTN_LEFT, kQuiet); // outside
    const auto [x, y] = centre(dialog_->allow_box());
    dialog_->button(x, y, BTN_RIGHT, kQuiet); // not the left button
    EXPECT_TRUE(answers_.empty());
}

TEST_F(DialogTest, ButtonsAnswer) {
    show(1s, 3);
    auto [ax, ay] = centre(dialog_->allow_box());
    dialog_->button(ax, ay, BTN_LEFT, kQuiet);
    show(1s, 4);
    auto [dx, dy] = centre(dialog_->deny_box());
    dialog_->button(dx, dy, BTN_LEFT, kQuiet);
    show(1s, 5);
    auto [nx, ny] = centre(dialog_->deny_all_box());
    dialog_->button(nx, ny, BTN_LEFT, kQuiet);
    ASSERT_EQ(answers_.size(), 3u);
    EXPECT_EQ(answers_[0].prompt, 3u);
    EXPECT_EQ(answers_[0].answer, Answer::Allow);
    EXPECT_EQ(answers_[0].how, "Allow button");
    EXPECT_EQ(answers_[1].prompt, 4u);
    EXPECT_EQ(answers_[1].answer, Answer::Deny);
    EXPECT_EQ(answers_[2].prompt, 5u);
    EXPECT_EQ(answers_[2].answer, Answer::DenyAll);
    EXPECT_EQ(answers_[2].how, "Deny all button");
}

TEST_F(DialogTest, HiddenItAnswersNothing) {
    show(1s);
    dialog_->show(std::nullopt, 30000);
    EXPECT_FALSE(dialog_->visible());
    dialog_->key(XKB_KEY_Return, 0, kQuiet);
    EXPECT_TRUE(answers_.empty());
}

} // namespace
} // namespace prism::clipboard
