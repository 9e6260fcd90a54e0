#include "cli/predict_command.h"

#include <cstdio>

#include "cli/command_util.h"
#include "common/file_util.h"
#include "model/kiln_model.h"
#include "model/prediction_csv.h"

namespace kiln {

Status RunPredictCommand(const PredictCommandArgs& args) {
  ASSIGN_OR_RETURN(KilnModel model, KilnModel::Load(args.model_path));
  ASSIGN_OR_RETURN(Table table, ReadModelInput(model, args.data_path));
  const Column* id = nullptr;
  if (!args.id_column.empty()) {
    int i = table.Find(args.id_column);
    if (i < 0) {
      return Status::InvalidArgument("--id-column \"" + args.id_column + "\" is not a column of " +
                                     args.data_path);
    }
    id = &table.columns[i];
  }
  ASSIGN_OR_RETURN(Predictions pred, model.Predict(table));
  RETURN_IF_ERROR(WriteFileAtomic(args.out_path, RenderPredictionsCsv(model, pred, id)));
  std::printf("wrote %zu predictions to %s\n", pred.rows, args.out_path.c_str());
  return Status::Ok();
}

}  // namespace kiln
