// The wire codec: messages encode to libwayland's layout and decode back, and malformed bytes
// are refused with a reason instead of being read past their end.
#include "tests/traces/test_protocols.hpp"
#include "tools/trace/fd_info.hpp"
#include "tools/trace/wire.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <unistd.h>

namespace prism::trace {
namespace {

const Protocols& protocols() {
    return test_protocols();
}

const MessageSpec& request(const char* interface, const char* name) {
    const InterfaceSpec* spec = protocols().find(interface);
    EXPECT_NE(spec, nullptr) << interface;
    return *find_message(spec->requests, name);
}

Value number(ArgType type, std::uint32_t word) {
    Value value;
    value.type = type;
    value.word = word;
    return value;
}

TEST(Protocols, LoadsCoreAndWaylandProtocolsAndTheRepositorysOwn) {
    EXPECT_NE(protocols().find("wl_display"), nullptr);
    EXPECT_NE(protocols().find("xdg_wm_base"), nullptr);
    EXPECT_NE(protocols().find("zwp_primary_selection_device_manager_v1"), nullptr);
    EXPECT_NE(protocols().find("zwlr_virtual_pointer_manager_v1"), nullptr);
    const InterfaceSpec* registry = protocols().find("wl_registry");
    ASSERT_NE(registry, nullptr);
    const auto args = wire_args(*find_message(registry->requests, "bind"));
    ASSERT_EQ(args.size(), 4u); // name, then the untyped new_id as interface, version, id
    EXPECT_EQ(args[1].type, ArgType::String);
    EXPECT_EQ(args[2].type, ArgType::Uint);
    EXPECT_EQ(args[3].type, ArgType::NewId);
}

TEST(Protocols, AMalformedXmlIsAnErrorNamingTheLine) {
    Protocols p;
    auto error =
        p.load_text("<protocol>\n<interface name=\"x\">\n<arg type=\"int\"/>\n", "bad.xml");
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->find("bad.xml:3:"), std::string::npos) << *error;
    error = p.load_text("<protocol><interface name=\"x\"><event name=\"e\"><arg name=\"a\" "
                        "type=\"float\"/></event></interface></protocol>",
                        "type.xml");
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->find("unknown arg type 'float'"), std::string::npos) << *error;
    EXPECT_EQ(p.find("x"), nullptr);
}

TEST(Wire, BindEncodesAsLibwaylandDoesAndDecodesBack) {
    Message bind;
    bind.object = 2;
    bind.opcode = 0;
    bind.args.push_back(number(ArgType::Uint, 7));
    Value interface;
    interface.type = ArgType::String;
    interface.text = "wl_seat";
    bind.args.push_back(interface);
    bind.args.push_back(number(ArgType::Uint, 5));
    Value id = number(ArgType::NewId, 3);
    id.interface = "wl_seat";
    bind.args.push_back(id);

    std::vector<int> fds;
    const std::string bytes = encode(bind, fds);
    // header 8 + name 4 + (length 4 + "wl_seat\0" 8) + version 4 + id 4
    ASSERT_EQ(bytes.size(), 32u);
    auto header = peek_header(bytes);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->object, 2u);
    EXPECT_EQ(header->size, 32u);
    EXPECT_EQ(std::memcmp(bytes.data() + 16, "wl_seat\0", 8), 0);

    std::deque<int> none;
    auto decoded = decode(bytes, request("wl_registry", "bind"), none);
    ASSERT_TRUE(std::holds_alternative<Message>(decoded)) << std::get<std::string>(decoded);
    const Message& back = std::get<Message>(decoded);
    ASSERT_EQ(back.args.size(), 4u);
    EXPECT_EQ(back.args[0].word, 7u);
    EXPECT_EQ(*back.args[1].text, "wl_seat");
    EXPECT_EQ(back.args[2].word, 5u);
    EXPECT_EQ(back.args[3].word, 3u);
    EXPECT_EQ(back.args[3].interface, "wl_seat"); // taken from the string before it
}

TEST(Wire, FdArgumentsTakeDescriptorsInOrder) {
    Message create;
    create.object = 4;
    create.opcode = 0;
    Value id = number(ArgType::NewId, 5);
    id.interface = "wl_shm_pool";
    create.args.push_back(id);
    Value fd;
    fd.type = ArgType::Fd;
    fd.fd = 42;
    create.args.push_back(fd);
    create.args.push_back(number(ArgType::Int, 4096));
    std::vector<int> fds;
    const std::string bytes = encode(create, fds);
    EXPECT_EQ(bytes.size(), 16u); // the fd is not in the bytes
    ASSERT_EQ(fds, std::vector<int>{42});

    std::deque<int> queue{42, 43};
    auto decoded = decode(bytes, request("wl_shm", "create_pool"), queue);
    ASSERT_TRUE(std::holds_alternative<Message>(decoded));
    EXPECT_EQ(std::get<Message>(decoded).args[1].fd, 42);
    EXPECT_EQ(queue.size(), 1u);

    std::deque<int> empty;
    auto missing = decode(bytes, request("wl_shm", "create_pool"), empty);
    ASSERT_TRUE(std::holds_alternative<std::string>(missing));
    EXPECT_NE(std::get<std::string>(missing).find("file descriptor"), std::string::npos);
}

TEST(Wire, MalformedBytesAreRefused) {
    const MessageSpec& set_title = request("xdg_toplevel", "set_title");
    std::deque<int> none;
    // A string longer than the message.
    std::string bytes("\x05\0\0\0\x02\0\x10\0\xff\0\0\0abcd", 16);
    EXPECT_TRUE(std::holds_alternative<std::string>(decode(bytes, set_title, none)));
    // A string without its NUL.
    bytes = std::string("\x05\0\0\0\x02\0\x10\0\x04\0\0\0abcd", 16);
    EXPECT_TRUE(std::holds_alternative<std::string>(decode(bytes, set_title, none)));
    // A size in the header that is not the message's.
    bytes = std::string("\x05\0\0\0\x02\0\x14\0\x04\0\0\0abc\0", 16);
    EXPECT_TRUE(std::holds_alternative<std::string>(decode(bytes, set_title, none)));
    // Bytes left over after the last argument.
    bytes = std::string("\x05\0\0\0\x02\0\x14\0\x04\0\0\0abc\0\0\0\0\0", 20);
    EXPECT_TRUE(std::holds_alternative<std::string>(decode(bytes, set_title, none)));
    // And the good one.
    bytes = std::string("\x05\0\0\0\x02\0\x10\0\x04\0\0\0abc\0", 16);
    auto good = decode(bytes, set_title, none);
    ASSERT_TRUE(std::holds_alternative<Message>(good));
    EXPECT_EQ(*std::get<Message>(good).args[0].text, "abc");
}

TEST(FdInfo, FilesAreDescribedAndMadeAgainWithTheirSizeAndContent) {
    FdInfo small;
    small.kind = FdInfo::Kind::File;
    set_content(small, std::string("\x01\x02\x03\x04", 4), 4);
    EXPECT_EQ(small.content, FdInfo::Content::Bytes);
    const int fd = make_file(small, 0);
    ASSERT_GE(fd, 0);
    const FdInfo described = describe_fd(fd);
    EXPECT_EQ(described.kind, FdInfo::Kind::File);
    EXPECT_EQ(described.size, std::optional<std::uint64_t>(4));
    EXPECT_EQ(described.bytes, small.bytes);
    close(fd);

    FdInfo zero;
    set_content(zero, std::string(100000, '\0'), 100000);
    EXPECT_EQ(zero.content, FdInfo::Content::Zero);
    FdInfo big;
    set_content(big, std::string(100000, 'x'), 100000);
    EXPECT_EQ(big.content, FdInfo::Content::Hash);
    EXPECT_EQ(big.hash, fnv1a(std::string(100000, 'x')));
    // Only part of a pipe's bytes were kept: the count is known, the content is not.
    FdInfo partial;
    set_content(partial, "abc", 10);
    EXPECT_EQ(partial.content, FdInfo::Content::Unknown);
    EXPECT_EQ(partial.size, std::optional<std::uint64_t>(10));

    // Nothing known but the message's size argument: a file of that size.
    const int sized = make_file(FdInfo{}, 4096);
    ASSERT_GE(sized, 0);
    EXPECT_EQ(describe_fd(sized).size, std::optional<std::uint64_t>(4096));
    EXPECT_EQ(describe_fd(sized).content, FdInfo::Content::Zero);
    close(sized);

    int ends[2];
    ASSERT_EQ(pipe(ends), 0);
    EXPECT_EQ(describe_fd(ends[0]).kind, FdInfo::Kind::Pipe);
    EXPECT_FALSE(is_pipe_write_end(ends[0]));
    EXPECT_TRUE(is_pipe_write_end(ends[1]));
    close(ends[0]);
    close(ends[1]);
}

} // namespace
} // namespace prism::trace
