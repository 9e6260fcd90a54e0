#include "cli/explain_command.h"

#include <cstdio>

#include "cli/command_util.h"
#include "common/file_util.h"
#include "explain/explanation.h"
#include "explain/explanation_csv.h"
#include "model/kiln_model.h"

namespace kiln {

Status RunExplainCommand(const ExplainCommandArgs& args) {
  ASSIGN_OR_RETURN(KilnModel model, KilnModel::Load(args.model_path));
  ASSIGN_OR_RETURN(Table table, ReadModelInput(model, args.data_path));
  ASSIGN_OR_RETURN(Explanation explanation, ExplainModel(model, table));
  RETURN_IF_ERROR(WriteFileAtomic(args.out_path, RenderExplanationCsv(model, explanation)));
  std::printf("wrote %zu explanations (%zu columns per output, margin space) to %s\n",
              explanation.rows, explanation.columns.size(), args.out_path.c_str());
  return Status::Ok();
}

}  // namespace kiln
