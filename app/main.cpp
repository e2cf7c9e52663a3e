#include "app/cli.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv, argv + argc);
    try {
        return minetrace::RunCli(args, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "minetrace: internal error: " << e.what() << "\n";
        return minetrace::kExitInternal;
    }
}
