#include "cli/profile_command.h"

#include <cstdio>

#include "cli/command_util.h"
#include "common/file_util.h"
#include "profile/profile_render.h"
#include "profile/profiler.h"
#include "table/table_reader.h"

namespace kiln {

Status RunProfileCommand(const ProfileCommandArgs& args) {
  if (!args.out_dir.empty())
    RETURN_IF_ERROR(CheckOutputDir(args.out_dir, args.overwrite));
  ReadOptions read;
  if (!args.target.empty())
    read.dictionary_columns = {args.target};
  ASSIGN_OR_RETURN(Table table, ReadTable(args.data_path, read));
  ProfileOptions options;
  options.target = args.target;
  ASSIGN_OR_RETURN(DataProfile profile, ProfileTable(table, options));

  std::fputs(RenderProfileText(profile).c_str(), stdout);
  if (!args.out_dir.empty()) {
    RETURN_IF_ERROR(PrepareOutputDir(args.out_dir, args.overwrite));
    RETURN_IF_ERROR(WriteFileAtomic(args.out_dir + "/profile.json", RenderProfileJson(profile)));
    RETURN_IF_ERROR(WriteFileAtomic(args.out_dir + "/profile.html", RenderProfileHtml(profile)));
    std::printf("\nprofile: %s/profile.html (and profile.json)\n", args.out_dir.c_str());
  }
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace kiln
